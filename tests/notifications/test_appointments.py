"""Appointment reminders (24 h and 2 h before, per practice), the coalesced
change notice, the staff's notices of requests, and the confirm-attendance
link. Appointments are booked through scheduling's services, which is where
the reminders are planned (in their transactions)."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.test import Client
from django.utils import timezone

from notifications import appointments, emails, services
from notifications.models import InAppNotification, Reminder, ReminderKind, ReminderSettings, ReminderState
from scheduling import services as scheduling
from scheduling.models import Appointment, AppointmentKind
from tests.notifications.helpers import queries_beyond_one_per_email
from tests.scheduling.helpers import LA, at

pytestmark = pytest.mark.django_db

REMINDER = ReminderKind.APPOINTMENT_REMINDER
CHANGED = ReminderKind.APPOINTMENT_CHANGED
NY = ZoneInfo("America/New_York")


@pytest.fixture(autouse=True)
def daytime():
    """Today at 12:00 in Seattle, the clock running: change notices (due in
    three minutes) are then outside everyone's quiet hours, whatever the hour
    the tests really run."""
    noon = datetime.combine(timezone.localdate(), datetime.min.time().replace(hour=12), tzinfo=LA)
    with time_machine.travel(noon, tick=True):
        yield noon


def reminders(appointment: Appointment, kind: str = REMINDER, **filters) -> list[Reminder]:
    return list(Reminder.objects.filter(appointment=appointment, kind=kind, **filters).order_by("due_at", "pk"))


def pending(appointment: Appointment, kind: str = REMINDER) -> list[Reminder]:
    return reminders(appointment, kind, state=ReminderState.PENDING)


def deliver_due(now: datetime, django_capture_on_commit_callbacks) -> None:
    """Sweep as if at ``now``; delivery runs eagerly."""
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep(now=now)


def test_booking_plans_reminders_24h_and_2h_before_for_each_partner(book, tuesday, couple):
    appointment = book(tuesday, "10:00")
    rows = pending(appointment)
    assert {(r.recipient_id, r.due_at) for r in rows} == {
        (partner.pk, appointment.start - timedelta(hours=hours)) for partner in couple.partners for hours in (24, 2)
    }
    assert all(r.expires_at == appointment.start for r in rows)


def test_an_individual_session_reminds_only_that_partner(book, tuesday, couple):
    appointment = book(tuesday, "10:00", kind=AppointmentKind.INDIVIDUAL_SESSION, individual_client=couple.partner_one)
    assert {r.recipient_id for r in pending(appointment)} == {couple.partner_one_id}


def test_the_lead_times_are_the_practices(book, tuesday):
    ReminderSettings.objects.create(appointment_first_lead_hours=48, appointment_second_lead_hours=0)
    appointment = book(tuesday, "10:00")
    assert {r.due_at for r in pending(appointment)} == {appointment.start - timedelta(hours=48)}


def test_cancelling_cancels_the_pending_reminders_in_the_same_transaction(book, tuesday, practice_admin):
    appointment = book(tuesday, "10:00")
    with pytest.raises(RuntimeError), transaction.atomic():
        scheduling.appointment_cancel(actor=practice_admin, appointment=appointment, reason="Counselor ill")
        assert pending(appointment) == []  # inside the cancel's transaction
        raise RuntimeError("roll the cancel back")
    assert len(pending(appointment)) == 4  # rolled back together
    scheduling.appointment_cancel(actor=practice_admin, appointment=appointment, reason="Counselor ill")
    assert pending(appointment) == []
    assert len(reminders(appointment, state=ReminderState.CANCELLED)) == 4


def test_rescheduling_plans_the_reminders_again(book, tuesday, practice_admin):
    appointment = book(tuesday, "10:00")
    moved = scheduling.appointment_reschedule(actor=practice_admin, appointment=appointment, start=at(tuesday, "14:00"))
    rows = pending(moved)
    assert {r.due_at for r in rows} == {moved.start - timedelta(hours=24), moved.start - timedelta(hours=2)}
    assert len(rows) == 4
    assert len(reminders(moved, state=ReminderState.CANCELLED)) == 4  # those for 10:00


def test_changes_within_minutes_make_one_notice_per_partner(book, tuesday, practice_admin, couple, daytime):
    appointment = book(tuesday, "10:00")
    scheduling.appointment_reschedule(actor=practice_admin, appointment=appointment, start=at(tuesday, "11:00"))
    first_due = {r.recipient_id: r.due_at for r in pending(appointment, CHANGED)}
    with time_machine.travel(timezone.now() + timedelta(minutes=2), tick=True):
        scheduling.appointment_reschedule(actor=practice_admin, appointment=appointment, start=at(tuesday, "13:00"))
        later = timezone.now()
    rows = pending(appointment, CHANGED)
    assert len(rows) == 2 and {r.recipient_id for r in rows} == {couple.partner_one_id, couple.partner_two_id}
    for row in rows:  # pushed on: three minutes after the last change
        assert row.due_at > first_due[row.recipient_id]
        assert abs(row.due_at - (later + timedelta(minutes=3))) < timedelta(seconds=5)


def test_a_change_after_the_notice_went_makes_a_new_one(
    book, tuesday, practice_admin, django_capture_on_commit_callbacks
):
    appointment = book(tuesday, "10:00")
    scheduling.appointment_reschedule(actor=practice_admin, appointment=appointment, start=at(tuesday, "11:00"))
    deliver_due(timezone.now() + timedelta(minutes=4), django_capture_on_commit_callbacks)
    assert len(reminders(appointment, CHANGED, state=ReminderState.SENT)) == 2
    scheduling.appointment_cancel(actor=practice_admin, appointment=appointment, reason="Office closed")
    assert len(pending(appointment, CHANGED)) == 2
    mail.outbox.clear()
    deliver_due(timezone.now() + timedelta(minutes=4), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2 and all("cancelled" in m.body for m in mail.outbox)


def test_the_reminder_email_has_time_in_the_recipients_zone_address_and_links(
    book, tuesday, couple, edmonds, django_capture_on_commit_callbacks, settings
):
    new_yorker = couple.partner_two
    new_yorker.time_zone = "America/New_York"
    new_yorker.save()
    edmonds.phone = "(425) 555-0100"
    edmonds.save()
    appointment = book(tuesday, "10:00", staff_note="STAFF-ONLY-NOTE")
    deliver_due(appointment.start - timedelta(hours=23), django_capture_on_commit_callbacks)
    by_to = {m.to[0]: m for m in mail.outbox}
    assert set(by_to) == {p.email for p in couple.partners}
    ny, seattle = by_to[new_yorker.email], by_to[couple.partner_one.email]
    assert "1:00 PM (EDT)" in ny.body or "1:00 PM (EST)" in ny.body
    assert "10:00 AM (PDT)" in seattle.body or "10:00 AM (PST)" in seattle.body
    for message in (ny, seattle):
        html = message.alternatives[0][0]
        assert "316 Main Street" in message.body and "(425) 555-0100" in message.body
        assert settings.PRACTICE_NAME in message.subject
        assert "/notifications/attend/" in message.body and "/notifications/attend/" in html
        assert f"/appointments/{appointment.pk}/" in message.body
        assert "STAFF-ONLY-NOTE" not in message.body and "STAFF-ONLY-NOTE" not in html
    assert InAppNotification.objects.filter(reminder__appointment=appointment).count() == 2


def test_a_couple_invited_in_chicago_is_e_mailed_chicago_times(
    book, tuesday, chicago_couple, django_capture_on_commit_callbacks
):
    appointment = book(tuesday, "10:00", couple=chicago_couple)
    deliver_due(appointment.start - timedelta(hours=23), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 2
    assert all("12:00 PM (CDT)" in m.body or "12:00 PM (CST)" in m.body for m in mail.outbox)


def test_an_online_appointments_reminder_carries_the_telehealth_link(
    book, tuesday, online_office, couple, django_capture_on_commit_callbacks
):
    thursday = tuesday + timedelta(days=2)
    appointment = book(thursday, "10:00", location=online_office, telehealth_url="https://meet.example.test/room-7")
    deliver_due(appointment.start - timedelta(hours=1), django_capture_on_commit_callbacks)
    assert mail.outbox and all("https://meet.example.test/room-7" in m.body for m in mail.outbox)
    assert all("316 Main Street" not in m.body for m in mail.outbox)


def test_a_reminder_for_an_appointment_cancelled_after_the_claim_is_not_sent(book, tuesday, practice_admin):
    appointment = book(tuesday, "10:00")
    claimed = services.reminders_sweep(now=appointment.start - timedelta(hours=1))  # hand-over not run
    scheduling.appointment_cancel(actor=practice_admin, appointment=appointment, reason="Counselor ill")
    result = services.reminders_deliver(reminder_ids=claimed.claimed)
    assert result.sent == [] and len(result.cancelled) == len(claimed.claimed) > 0
    assert not [m for m in mail.outbox if "reminder of your appointment" in m.body]


def _confirm_url(message) -> str:
    line = next(line for line in message.body.splitlines() if "/notifications/attend/" in line)
    return urlsplit(line.split(": ", 1)[1].strip()).path


def test_the_confirm_link_needs_no_login_and_records_the_clients_confirmation(
    book, tuesday, django_capture_on_commit_callbacks
):
    appointment = book(tuesday, "10:00")
    deliver_due(appointment.start - timedelta(hours=1), django_capture_on_commit_callbacks)
    url = _confirm_url(mail.outbox[0])
    anonymous = Client()
    assert anonymous.get(url).status_code == 200
    appointment.refresh_from_db()
    assert appointment.client_confirmed_at is None  # a GET (a link scanner) confirms nothing
    response = anonymous.post(url)
    assert response.status_code == 200 and b"Thank you" in response.content
    appointment.refresh_from_db()
    assert appointment.client_confirmed_at is not None


def test_a_tampered_or_outdated_confirm_link_is_refused(book, tuesday, couple, practice_admin):
    appointment = book(tuesday, "10:00")
    token = appointments.attendance_token(appointment=appointment, user_id=couple.partner_one_id)
    anonymous = Client()
    assert anonymous.post(f"/notifications/attend/{token[:-2]}xx/").status_code == 400
    scheduling.appointment_reschedule(actor=practice_admin, appointment=appointment, start=at(tuesday, "14:00"))
    response = anonymous.post(f"/notifications/attend/{token}/")
    assert response.status_code == 400 and b"moved" in response.content
    appointment.refresh_from_db()
    assert appointment.client_confirmed_at is None


def test_a_clients_request_tells_the_counselor_and_the_front_desk(dana, edmonds, tuesday, couple, practice_admin):
    appointment = scheduling.appointment_request(
        actor=couple.partner_one, counselor=dana, location=edmonds, start=at(tuesday, "10:00"), note="PRIVATE-NOTE"
    )
    rows = reminders(appointment, ReminderKind.APPOINTMENT_REQUESTED)
    assert {r.recipient_id for r in rows} == {dana.pk, practice_admin.pk}
    assert pending(appointment) == []  # no reminders before it is confirmed
    services.reminders_deliver(reminder_ids=services.reminders_sweep(now=timezone.now() + timedelta(minutes=1)).claimed)
    assert {m.to[0] for m in mail.outbox} == {dana.email, practice_admin.email}
    assert all("PRIVATE-NOTE" not in m.body and "Sam Lee" in m.body for m in mail.outbox)


@pytest.mark.parametrize(("answer", "says"), [("confirm", "is confirmed"), ("decline", "could not be confirmed")])
def test_the_couple_is_told_when_their_request_is_confirmed_or_declined(
    answer, says, dana, edmonds, tuesday, couple, practice_admin, django_capture_on_commit_callbacks
):
    appointment = scheduling.appointment_request(
        actor=couple.partner_one, counselor=dana, location=edmonds, start=at(tuesday, "10:00")
    )
    if answer == "confirm":
        scheduling.appointment_confirm(actor=dana, appointment=appointment)
        assert len(pending(appointment)) == 4  # now it has reminders
    else:
        scheduling.appointment_decline(actor=dana, appointment=appointment, reason="Fully booked")
    mail.outbox.clear()
    deliver_due(timezone.now() + timedelta(minutes=4), django_capture_on_commit_callbacks)
    told = [m for m in mail.outbox if m.to[0] in {p.email for p in couple.partners}]
    assert len(told) == 2 and all(says in m.body for m in told)


def test_a_new_client_intake_request_tells_the_counselor_and_the_front_desk(
    dana, practice_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake = scheduling.intake_request_create(
            names="Jamie and Pat Moore", email="moore@example.test", note="PRIVATE-STORY", counselor=dana
        )
    rows = Reminder.objects.filter(kind=ReminderKind.INTAKE_REQUESTED, object_key=f"intake:{intake.pk}")
    assert {r.recipient_id for r in rows} == {dana.pk, practice_admin.pk}
    deliver_due(timezone.now() + timedelta(minutes=1), django_capture_on_commit_callbacks)
    assert {m.to[0] for m in mail.outbox} == {dana.email, practice_admin.email}
    assert all("Jamie and Pat Moore" in m.body and "PRIVATE-STORY" not in m.body for m in mail.outbox)
    assert InAppNotification.objects.filter(kind=ReminderKind.INTAKE_REQUESTED).count() == 2


def test_unsubscribing_from_appointment_reminders_keeps_them_in_the_portal_only(
    book, tuesday, couple, django_capture_on_commit_callbacks
):
    sam = couple.partner_one
    services.preferences_unsubscribe(user=sam, kind=REMINDER)
    appointment = book(tuesday, "10:00")
    deliver_due(appointment.start - timedelta(hours=1), django_capture_on_commit_callbacks)
    assert sam.email not in {m.to[0] for m in mail.outbox}
    assert InAppNotification.objects.filter(user=sam, kind=REMINDER).count() == 2
    assert emails.unsubscribe_claims(emails.unsubscribe_token(user_id=sam.pk, kind=REMINDER)) == (sam.pk, REMINDER)


def test_delivering_appointment_reminders_costs_one_query_per_email_over_a_fixed_eleven(book, tuesday):
    def claimed_reminders_of(*clocks: str) -> list[int]:
        booked = [book(tuesday, clock) for clock in clocks]
        due = Reminder.objects.filter(appointment__in=booked, kind=REMINDER, state=ReminderState.PENDING)
        ids = list(due.values_list("pk", flat=True))
        due.update(state=ReminderState.SENDING, lease_expires_at=timezone.now() + timedelta(minutes=10))
        return ids

    assert queries_beyond_one_per_email(claimed_reminders_of("10:00")) == 11  # 4 e-mails: 2 partners, 24 h and 2 h
    assert queries_beyond_one_per_email(claimed_reminders_of("12:00", "14:00", "16:00")) == 11  # 12 e-mails
