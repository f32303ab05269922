from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from scheduling import services
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentParticipant,
    AppointmentStatus,
    ChangeAction,
    CounselorProfile,
    TimeOff,
)
from tests.factories import ClientFactory, CoupleFactory
from tests.scheduling.helpers import at


def test_admin_books_a_confirmed_session_for_any_counselor(book, tuesday, practice_admin, couple):
    appointment = book(tuesday, "10:00")

    assert appointment.status == AppointmentStatus.CONFIRMED
    assert appointment.end - appointment.start == timedelta(minutes=50)
    assert appointment.created_by == practice_admin
    assert appointment.changes.get().action == ChangeAction.BOOKED
    assert AuditEvent.objects.filter(action="appointment.booked", target_id=str(appointment.pk)).exists()


def test_times_are_stored_in_utc_and_read_back_in_the_location_zone(book, tuesday):
    appointment = book(tuesday, "10:00")
    appointment.refresh_from_db()

    assert appointment.start.utcoffset() == timedelta(0)
    assert appointment.local_start() == at(tuesday, "10:00")


def test_a_counselor_books_for_themselves(dana, edmonds, couple, tuesday):
    appointment = services.appointment_book(
        actor=dana, counselor=dana, location=edmonds, start=at(tuesday, "11:00"), couple=couple
    )
    assert appointment.counselor == dana


def test_a_counselor_cannot_book_for_another_counselor(dana, owen, edmonds, other_couple, tuesday):
    with pytest.raises(PermissionDenied):
        services.appointment_book(
            actor=dana, counselor=owen, location=edmonds, start=at(tuesday, "11:00"), couple=other_couple
        )


def test_a_session_outside_working_hours_is_refused(book, tuesday):
    with pytest.raises(ValidationError) as error:
        book(tuesday, "16:30")
    assert "Dana Reyes does not work at Edmonds then." in error.value.message_dict["start"]


def test_a_session_outside_opening_hours_is_refused_even_in_working_hours(book, dana, edmonds, tuesday):
    services.working_hours_set(
        actor=dana,
        counselor=dana,
        location=edmonds,
        intervals=[services.HoursInterval(1, at(tuesday, "07:00").time(), at(tuesday, "17:00").time())],
    )
    with pytest.raises(ValidationError) as error:
        book(tuesday, "07:00")
    assert error.value.message_dict["start"] == ["Edmonds is not open then."]


def test_an_admin_override_books_outside_hours_and_is_recorded(book, tuesday, practice_admin):
    appointment = book(tuesday, "18:00", override_hours_reason="Couple can only come after work")

    assert appointment.hours_override_by == practice_admin
    assert appointment.hours_override_reason == "Couple can only come after work"
    event = AuditEvent.objects.get(action="appointment.hours_overridden")
    assert event.details["problems"] == ["Dana Reyes does not work at Edmonds then."]


def test_a_counselor_cannot_override_the_hours(dana, edmonds, couple, tuesday):
    with pytest.raises(ValidationError) as error:
        services.appointment_book(
            actor=dana,
            counselor=dana,
            location=edmonds,
            start=at(tuesday, "18:00"),
            couple=couple,
            override_hours_reason="I'd like to",
        )
    assert "Only a practice admin can book outside the hours." in error.value.message_dict["start"]


def test_time_off_is_refused_even_with_an_override(book, dana, tuesday):
    TimeOff.objects.create(counselor=dana, starts_on=tuesday, ends_on=tuesday + timedelta(days=3))
    with pytest.raises(ValidationError) as error:
        book(tuesday, "10:00", override_hours_reason="urgent")
    assert error.value.message_dict["start"] == ["Dana Reyes is off that day."]


def test_an_inactive_location_takes_no_new_appointment(book, edmonds, practice_admin, tuesday):
    services.location_deactivate(actor=practice_admin, location=edmonds)
    with pytest.raises(ValidationError) as error:
        book(tuesday, "10:00")
    assert "location" in error.value.message_dict


def test_a_counselor_on_leave_takes_no_appointment(book, dana, tuesday):
    CounselorProfile.objects.filter(user=dana).update(on_leave=True)
    with pytest.raises(ValidationError) as error:
        book(tuesday, "10:00")
    assert error.value.message_dict["counselor"] == ["Dana Reyes is on leave and takes no appointments."]


def test_a_time_in_the_past_is_refused(book):
    from django.utils import timezone

    with pytest.raises(ValidationError):
        book(timezone.localdate() - timedelta(days=7), "10:00")


def test_an_overlapping_booking_raises_a_conflict_naming_it(book, tuesday):
    book(tuesday, "10:00")
    with pytest.raises(services.AppointmentConflict) as error:
        book(tuesday, "10:30")
    assert f"Dana Reyes already has an appointment on {at(tuesday, '10:00'):%A %-d %B %Y} from 10:00 to 10:50" in (
        error.value.message
    )
    assert len(error.value.conflicts) == 1
    assert Appointment.objects.count() == 1


def test_back_to_back_appointments_are_allowed(book, tuesday):
    first = book(tuesday, "10:00")
    second = book(tuesday, "10:50")
    assert first.end == second.start


def test_a_partner_cannot_be_in_two_sessions_at_once(book, owen, edmonds, couple, tuesday, practice_admin):
    book(tuesday, "10:00")
    couple.other_counselors.add(owen)
    with pytest.raises(services.AppointmentConflict) as error:
        services.appointment_book(
            actor=practice_admin,
            counselor=owen,
            location=edmonds,
            start=at(tuesday, "10:30"),
            kind=AppointmentKind.INDIVIDUAL_SESSION,
            couple=couple,
            individual_client=couple.partner_two,
        )
    assert "Riley Lee already has an appointment" in error.value.message


def test_a_couple_session_takes_both_partners_time(book, tuesday, couple):
    appointment = book(tuesday, "10:00")
    assert set(AppointmentParticipant.objects.filter(appointment=appointment).values_list("user", flat=True)) == {
        couple.partner_one_id,
        couple.partner_two_id,
    }


def test_an_individual_session_needs_one_of_the_couples_partners(book, tuesday):
    stranger = ClientFactory()
    with pytest.raises(ValidationError) as error:
        book(tuesday, "10:00", kind=AppointmentKind.INDIVIDUAL_SESSION, individual_client=stranger)
    assert error.value.message_dict["individual_client"] == ["Choose one of the couple's partners."]


def test_a_counselor_books_only_couples_they_serve(book, tuesday, other_couple):
    with pytest.raises(ValidationError) as error:
        book(tuesday, "10:00", couple=other_couple)
    assert "couple" in error.value.message_dict


def test_an_intake_names_the_prospective_clients(book, tuesday):
    appointment = book(
        tuesday,
        "10:00",
        couple=None,
        kind=AppointmentKind.INTAKE,
        intake_names="Pat & Chris Moore",
        intake_email="pat@example.test",
    )
    assert appointment.client_label == "Pat & Chris Moore"
    assert not appointment.participants.exists()


def test_an_intake_without_names_is_refused(book, tuesday):
    with pytest.raises(ValidationError) as error:
        book(tuesday, "10:00", couple=None, kind=AppointmentKind.INTAKE)
    assert "intake_names" in error.value.message_dict


def test_a_telehealth_link_only_goes_with_an_online_location(book, tuesday):
    with pytest.raises(ValidationError) as error:
        book(tuesday, "10:00", telehealth_url="https://meet.example.test/room")
    assert "telehealth_url" in error.value.message_dict


def test_an_online_session_keeps_its_telehealth_link(book, online_office, thursday):
    appointment = book(thursday, "10:00", location=online_office, telehealth_url="https://meet.example.test/abc")
    assert appointment.telehealth_url == "https://meet.example.test/abc"


def test_a_closed_couple_cannot_be_booked(book, tuesday, counselor):
    closed = CoupleFactory(primary_counselor=counselor, status="closed")
    with pytest.raises(ValidationError) as error:
        book(tuesday, "10:00", couple=closed)
    assert error.value.message_dict["couple"] == ["This couple is not active."]
