"""Invariants the database itself keeps."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentParticipant,
    AppointmentStatus,
    OpeningHours,
    PracticeSettings,
    TimeOff,
    WorkingHours,
)
from tests.scheduling.helpers import at


def _raw_appointment(for_couple, location, start, **fields) -> Appointment:
    """Straight to the database, past the services' checks."""
    values = {
        "counselor": for_couple.primary_counselor,
        "couple": for_couple,
        "location": location,
        "start": start,
        "end": start + timedelta(minutes=50),
    }
    values.update(fields)
    return Appointment.objects.create(**values)


def test_opening_hours_must_open_before_they_close(edmonds):
    with pytest.raises(IntegrityError):
        OpeningHours.objects.create(location=edmonds, weekday=6, opens=time(17), closes=time(9))


def test_a_location_may_open_several_intervals_a_day(edmonds):
    OpeningHours.objects.create(location=edmonds, weekday=6, opens=time(9), closes=time(12))
    OpeningHours.objects.create(location=edmonds, weekday=6, opens=time(13), closes=time(17))
    assert edmonds.opening_hours.filter(weekday=6).count() == 2


def test_working_hours_must_start_before_they_end(counselor, edmonds):
    with pytest.raises(IntegrityError):
        WorkingHours.objects.create(counselor=counselor, location=edmonds, weekday=1, start=time(9), end=time(9))


def test_time_off_cannot_end_before_it_starts(counselor):
    with pytest.raises(IntegrityError):
        TimeOff.objects.create(counselor=counselor, starts_on=date(2027, 5, 3), ends_on=date(2027, 5, 2))


def test_an_appointment_must_end_after_it_starts(couple, edmonds, tuesday):
    with pytest.raises(IntegrityError):
        _raw_appointment(couple, edmonds, at(tuesday, "10:00"), end=at(tuesday, "10:00"))


def test_a_couple_session_must_have_a_couple(couple, edmonds, tuesday):
    with pytest.raises(IntegrityError):
        _raw_appointment(couple, edmonds, at(tuesday, "10:00"), couple=None)


def test_an_individual_session_must_name_the_partner(couple, edmonds, tuesday):
    with pytest.raises(IntegrityError):
        _raw_appointment(couple, edmonds, at(tuesday, "10:00"), kind=AppointmentKind.INDIVIDUAL_SESSION)


def test_a_cancelled_appointment_must_say_when(couple, edmonds, tuesday):
    with pytest.raises(IntegrityError):
        _raw_appointment(couple, edmonds, at(tuesday, "10:00"), status=AppointmentStatus.CANCELLED)


def test_only_a_cancellation_can_be_late(couple, edmonds, tuesday):
    with pytest.raises(IntegrityError):
        _raw_appointment(couple, edmonds, at(tuesday, "10:00"), late_cancellation=True)


def test_an_hours_override_must_give_a_reason(couple, edmonds, tuesday, practice_admin):
    with pytest.raises(IntegrityError):
        _raw_appointment(couple, edmonds, at(tuesday, "10:00"), hours_override_by=practice_admin)


def test_postgres_refuses_overlapping_appointments_of_one_counselor(couple, edmonds, tuesday):
    assert connection.vendor == "postgresql", "run on PostgreSQL (set DATABASE_URL)"
    _raw_appointment(couple, edmonds, at(tuesday, "10:00"))
    with pytest.raises(IntegrityError, match="appointment_counselor_no_overlap"), transaction.atomic():
        _raw_appointment(couple, edmonds, at(tuesday, "10:49"))


def test_postgres_allows_back_to_back_and_cancelled_overlaps(couple, edmonds, tuesday):
    _raw_appointment(couple, edmonds, at(tuesday, "10:00"))
    _raw_appointment(couple, edmonds, at(tuesday, "10:50"))
    _raw_appointment(
        couple, edmonds, at(tuesday, "10:20"), status=AppointmentStatus.CANCELLED, cancelled_at=at(tuesday, "08:00")
    )
    assert Appointment.objects.count() == 3


def test_postgres_refuses_one_client_in_two_overlapping_appointments(couple, other_couple, edmonds, tuesday):
    assert connection.vendor == "postgresql", "run on PostgreSQL (set DATABASE_URL)"
    first = _raw_appointment(couple, edmonds, at(tuesday, "10:00"))
    second = _raw_appointment(other_couple, edmonds, at(tuesday, "10:30"))
    AppointmentParticipant.objects.create(appointment=first, user=couple.partner_one, start=first.start, end=first.end)
    with pytest.raises(IntegrityError, match="participant_no_overlap"), transaction.atomic():
        AppointmentParticipant.objects.create(
            appointment=second, user=couple.partner_one, start=second.start, end=second.end
        )


def test_practice_settings_are_a_single_row_with_the_defaults(db):
    practice = PracticeSettings.load()
    assert (practice.pk, practice.late_cancel_hours, practice.buffer_minutes, practice.default_duration_minutes) == (
        1,
        24,
        10,
        50,
    )
    with pytest.raises(IntegrityError):
        PracticeSettings.objects.create(id=2)


def test_the_seed_services_are_there_as_specialties(specialties):
    assert {"couples-counseling", "premarital-counseling", "family-counseling", "grief-and-loss", "anxiety"} <= set(
        specialties
    )


def test_models_read_well(dana, edmonds, book, tuesday):
    appointment = book(tuesday, "10:00")
    assert str(dana.counselor_profile) == "Dana Reyes, MA, LMHCA"
    assert str(edmonds.opening_hours.first()) == "Edmonds: Monday 08:00-20:00"
    assert str(appointment).startswith("Couple session with Dana Reyes, ")
    assert str(dana.working_hours.get(location=edmonds)) == "Dana Reyes at Edmonds: Tuesday 09:00-17:00"
