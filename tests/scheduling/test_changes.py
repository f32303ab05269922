from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scheduling import services, signals
from scheduling.models import AppointmentStatus, ChangeAction, PracticeSettings
from tests.factories import ClientFactory
from tests.scheduling.helpers import at


def test_rescheduling_keeps_the_old_time_in_the_history(book, tuesday, practice_admin):
    appointment = book(tuesday, "10:00")
    moved = services.appointment_reschedule(
        actor=practice_admin, appointment=appointment, start=at(tuesday, "14:00"), reason="Client asked"
    )
    change = moved.changes.get(action=ChangeAction.RESCHEDULED)
    assert (change.from_start, change.to_start) == (at(tuesday, "10:00"), at(tuesday, "14:00"))
    assert (change.actor, change.reason) == (practice_admin, "Client asked")
    assert moved.end - moved.start == timedelta(minutes=50)
    assert moved.sequence == 1


def test_rescheduling_onto_a_taken_time_is_a_conflict(book, tuesday, practice_admin):
    book(tuesday, "14:00")
    appointment = book(tuesday, "10:00")
    with pytest.raises(services.AppointmentConflict):
        services.appointment_reschedule(actor=practice_admin, appointment=appointment, start=at(tuesday, "14:30"))


def test_rescheduling_a_little_overlaps_only_itself(book, tuesday, practice_admin):
    appointment = book(tuesday, "10:00")
    moved = services.appointment_reschedule(actor=practice_admin, appointment=appointment, start=at(tuesday, "10:30"))
    assert moved.local_start() == at(tuesday, "10:30")


def test_cancelling_records_who_and_why(book, tuesday, dana):
    appointment = book(tuesday, "10:00")
    cancelled = services.appointment_cancel(actor=dana, appointment=appointment, reason="Counselor ill")
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancellation_reason) == (
        AppointmentStatus.CANCELLED,
        dana,
        "Counselor ill",
    )
    assert not cancelled.late_cancellation
    assert cancelled.changes.last().action == ChangeAction.CANCELLED
    assert not cancelled.participants.filter(is_blocking=True).exists()


def test_a_cancellation_within_the_late_window_is_flagged_late(book, tuesday, partner):
    appointment = book(tuesday, "10:00")
    PracticeSettings.objects.update_or_create(pk=1, defaults={"late_cancel_hours": 24 * 30})
    cancelled = services.appointment_cancel(actor=partner, appointment=appointment, reason="Work trip")
    assert cancelled.late_cancellation


def test_a_cancellation_needs_a_reason(book, tuesday, practice_admin):
    with pytest.raises(ValidationError):
        services.appointment_cancel(actor=practice_admin, appointment=book(tuesday, "10:00"), reason=" ")


def test_another_couples_client_cannot_cancel(book, tuesday, other_couple):
    with pytest.raises(PermissionDenied):
        services.appointment_cancel(actor=other_couple.partner_one, appointment=book(tuesday, "10:00"), reason="x")


def test_a_client_requests_one_of_their_counselors_free_slots(dana, edmonds, partner, tuesday):
    appointment = services.appointment_request(
        actor=partner, counselor=dana, location=edmonds, start=at(tuesday, "10:00"), note="Mornings suit us"
    )
    assert appointment.status == AppointmentStatus.REQUESTED
    assert appointment.changes.get().reason == "Mornings suit us"


def test_a_new_request_is_announced_after_commit(dana, edmonds, partner, tuesday, django_capture_on_commit_callbacks):
    heard = []
    signals.appointment_changed.connect(lambda **kw: heard.append(kw["action"]), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.appointment_request(actor=partner, counselor=dana, location=edmonds, start=at(tuesday, "10:00"))
    finally:
        signals.appointment_changed.disconnect(dispatch_uid="t")
    assert heard == [ChangeAction.REQUESTED]


def test_a_request_inside_the_buffer_is_refused(book, dana, edmonds, partner, tuesday):
    book(tuesday, "11:00")
    with pytest.raises(services.AppointmentConflict) as error:
        services.appointment_request(
            actor=partner, counselor=dana, location=edmonds, start=at(tuesday, "12:00") - timedelta(minutes=5)
        )
    assert "no longer free" in error.value.message


def test_a_client_cannot_request_another_counselor(owen, edmonds, partner, tuesday):
    with pytest.raises(ValidationError) as error:
        services.appointment_request(actor=partner, counselor=owen, location=edmonds, start=at(tuesday, "10:00"))
    assert "counselor" in error.value.message_dict


def test_requests_can_be_turned_off_by_the_practice(dana, edmonds, partner, tuesday):
    PracticeSettings.objects.update_or_create(pk=1, defaults={"clients_may_request": False})
    with pytest.raises(PermissionDenied):
        services.appointment_request(actor=partner, counselor=dana, location=edmonds, start=at(tuesday, "10:00"))


def test_a_client_without_a_couple_cannot_request(dana, edmonds, tuesday):
    with pytest.raises(ValidationError):
        services.appointment_request(
            actor=ClientFactory(), counselor=dana, location=edmonds, start=at(tuesday, "10:00")
        )


def test_the_counselor_confirms_a_request(dana, edmonds, partner, tuesday):
    requested = services.appointment_request(
        actor=partner, counselor=dana, location=edmonds, start=at(tuesday, "10:00")
    )
    confirmed = services.appointment_confirm(actor=dana, appointment=requested)
    assert confirmed.status == AppointmentStatus.CONFIRMED
    assert confirmed.sequence == 1


def test_declining_a_request_frees_the_time_and_says_why(dana, edmonds, partner, tuesday, practice_admin):
    requested = services.appointment_request(
        actor=partner, counselor=dana, location=edmonds, start=at(tuesday, "10:00")
    )
    declined = services.appointment_decline(actor=practice_admin, appointment=requested, reason="Try 11:00?")
    assert (declined.status, declined.cancellation_reason, declined.late_cancellation) == (
        AppointmentStatus.CANCELLED,
        "Try 11:00?",
        False,
    )
    assert declined.changes.last().action == ChangeAction.DECLINED
    again = services.appointment_request(actor=partner, counselor=dana, location=edmonds, start=at(tuesday, "10:00"))
    assert again.status == AppointmentStatus.REQUESTED


def test_a_client_cannot_confirm_their_own_request(dana, edmonds, partner, tuesday):
    requested = services.appointment_request(
        actor=partner, counselor=dana, location=edmonds, start=at(tuesday, "10:00")
    )
    with pytest.raises(PermissionDenied):
        services.appointment_confirm(actor=partner, appointment=requested)


def test_a_past_session_is_recorded_as_a_no_show(book, tuesday, dana):
    appointment = book(tuesday, "10:00")
    type(appointment).objects.filter(pk=appointment.pk).update(
        start=timezone.now() - timedelta(hours=2), end=timezone.now() - timedelta(hours=1)
    )
    outcome = services.appointment_record_outcome(actor=dana, appointment=appointment, status=AppointmentStatus.NO_SHOW)
    assert outcome.status == AppointmentStatus.NO_SHOW
    assert outcome.changes.last().action == ChangeAction.NO_SHOW


def test_a_future_session_has_no_outcome_yet(book, tuesday, dana):
    with pytest.raises(ValidationError):
        services.appointment_record_outcome(
            actor=dana, appointment=book(tuesday, "10:00"), status=AppointmentStatus.COMPLETED
        )
