"""Notices of new messages: everyone who may read the thread but its author
is told in the portal at once and by e-mail after the practice's delay, one
e-mail for a burst, none if they read it in time, none while unsubscribed,
never inside quiet hours; nothing carries what was written, a file's name or,
in a private conversation, the other partner's name.

The tests marked slow deliver through a real Celery worker and a local SMTP
server (tests/plugins/processes.py), as tests/notifications/test_worker.py does."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from messaging import services
from notifications import emails
from notifications import services as reminders
from notifications.forms import PreferencesForm
from notifications.messages import message_notices_plan
from notifications.models import (
    InAppNotification,
    NotificationPreference,
    Reminder,
    ReminderKind,
    ReminderSettings,
    ReminderState,
)
from tests.processes import BROKER_URL, sweep_until_done

KIND = ReminderKind.MESSAGE_RECEIVED


def pending(user) -> list[Reminder]:
    return list(Reminder.objects.filter(recipient=user, kind=KIND, state=ReminderState.PENDING))


def notices(user) -> list[InAppNotification]:
    return list(InAppNotification.objects.filter(user=user, kind=KIND))


def everything_sent_to(user) -> str:
    """Every e-mail and in-app notice the user got about messages, as one text."""
    parts = [f"{n.text} {n.url}" for n in notices(user)]
    for message in mail.outbox:
        if message.to == [user.email]:
            parts += [message.subject, message.body, message.alternatives[0][0], message.message().as_string()]
    return "\n".join(parts)


def time_passes() -> list[int]:
    """The delay is over: every pending message e-mail is due now. Returns their ids."""
    due = Reminder.objects.filter(kind=KIND, state=ReminderState.PENDING)
    ids = list(due.values_list("pk", flat=True))
    due.update(due_at=timezone.now() - timedelta(seconds=1))
    return ids


@pytest.fixture
def deliver(django_capture_on_commit_callbacks):
    """deliver(): the delay passes and the sweep runs, its delivery in-process."""

    def run(now=None):
        time_passes()
        with django_capture_on_commit_callbacks(execute=True):
            return reminders.reminders_sweep(now=now)

    return run


@pytest.fixture
def no_quiet_hours(couple, counselor):
    for user in (counselor, couple.partner_one, couple.partner_two):
        NotificationPreference.objects.update_or_create(
            user=user, defaults={"quiet_start": time(0, 0), "quiet_end": time(0, 0)}
        )


# --- Who is told ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_counselors_message_in_the_joint_thread_tells_both_partners_at_once(joint, partner, other_partner):
    assert [n.text for n in notices(partner)] == ["New message from your counselor"]
    assert [n.text for n in notices(other_partner)] == ["New message from your counselor"]


@pytest.mark.django_db
def test_the_author_is_told_nothing_of_their_own_message(joint, counselor):
    assert notices(counselor) == [] and pending(counselor) == []


@pytest.mark.django_db
def test_a_partners_message_tells_the_counselor_their_name_and_the_other_partner_no_name(
    joint, partner, other_partner, counselor
):
    services.thread_mark_read(user=other_partner, thread=joint)  # Dana's opening message read

    services.message_post(actor=partner, thread=joint, body="Hello.")

    assert [n.text for n in notices(counselor)] == ["New message from Sam Lee"]
    assert [n.text for n in notices(other_partner)] == ["You have a new message", "New message from your counselor"]


@pytest.mark.django_db
def test_every_counselor_of_the_couple_is_told(couple, joint, partner, other_counselor):
    couple.other_counselors.add(other_counselor)

    services.message_post(actor=partner, thread=joint, body="Hello.")

    assert [n.text for n in notices(other_counselor)] == ["New message from Sam Lee"]


@pytest.mark.django_db
def test_a_practice_admin_is_told_nothing_even_listed_among_the_couples_counselors(
    couple, joint, partner, practice_admin
):
    couple.other_counselors.add(practice_admin)  # a mistake in the data: still no reader of threads

    services.message_post(actor=partner, thread=joint, body="Hello.")

    assert notices(practice_admin) == [] and not Reminder.objects.filter(recipient=practice_admin).exists()


@pytest.mark.django_db
def test_the_other_partner_is_told_nothing_of_a_private_thread(sams_private, partner, other_partner):
    services.message_post(actor=partner, thread=sams_private, body="Just between us.")

    assert notices(other_partner) == [] and not Reminder.objects.filter(recipient=other_partner).exists()
    assert len(notices(partner)) == 1


@pytest.mark.django_db
def test_a_partner_in_safety_mode_gets_the_neutral_notice(counselor, couple, start, partner):
    account_services.safety_mode_set(actor=counselor, partner=partner, on=True)

    start("private", partner, couple=couple)

    assert [n.text for n in notices(partner)] == [str(emails.SAFETY_NOTICE_LINE)]


@pytest.mark.django_db
def test_a_partner_in_safety_mode_writing_tells_the_other_partner_nothing(counselor, joint, partner, other_partner):
    services.thread_mark_read(user=other_partner, thread=joint)
    account_services.safety_mode_set(actor=counselor, partner=partner, on=True)

    services.message_post(actor=partner, thread=joint, body="Hello.")

    assert pending(other_partner) == []
    assert [n.text for n in notices(counselor)] == ["New message from Sam Lee"]


# --- One e-mail per burst, none if read in time -------------------------------------------


@pytest.mark.django_db
def test_a_burst_of_messages_plans_one_email_per_recipient(joint, counselor, partner, other_partner):
    for n in range(2):
        services.message_post(actor=counselor, thread=joint, body=f"More {n}.")

    assert len(pending(partner)) == 1 and len(pending(other_partner)) == 1
    assert len(notices(partner)) == 1


@pytest.mark.django_db
def test_a_new_message_in_a_burst_marks_its_notice_unread_again(joint, counselor, partner):
    reminders.notifications_mark_read(user=partner)

    services.message_post(actor=counselor, thread=joint, body="One more thing.")

    assert [n.is_read for n in notices(partner)] == [False]


@pytest.mark.django_db
def test_the_email_is_due_after_the_practices_delay(no_quiet_hours, counselor, couple, start, partner):
    settings_row = ReminderSettings.load()
    settings_row.message_email_delay_minutes = 25
    settings_row.save()
    before = timezone.now()

    start("private", partner, couple=couple)

    (reminder,) = pending(partner)
    assert before + timedelta(minutes=25) <= reminder.due_at <= timezone.now() + timedelta(minutes=25)


@pytest.mark.django_db
def test_reading_the_thread_in_time_cancels_the_email(joint, partner, deliver):
    services.thread_mark_read(user=partner, thread=joint)

    deliver()

    assert [m.to for m in mail.outbox] == [[joint.couple.partner_two.email]]
    assert Reminder.objects.get(recipient=partner, kind=KIND).state == ReminderState.CANCELLED


@pytest.mark.django_db
def test_reading_the_thread_marks_its_notices_read(joint, partner):
    services.thread_mark_read(user=partner, thread=joint)

    assert [n.is_read for n in notices(partner)] == [True]


@pytest.mark.django_db
def test_writing_in_the_thread_cancels_the_writers_own_pending_email(joint, partner):
    services.message_post(actor=partner, thread=joint, body="Thanks.")

    assert pending(partner) == []


@pytest.mark.django_db
def test_a_counselor_taken_off_the_couple_before_the_email_is_not_sent_it(
    couple, joint, partner, other_counselor, deliver
):
    couple.other_counselors.add(other_counselor)
    services.message_post(actor=partner, thread=joint, body="One more thing.")
    couple.other_counselors.remove(other_counselor)

    deliver()

    (reminder,) = Reminder.objects.filter(recipient=other_counselor, kind=KIND)
    assert (reminder.state, reminder.last_error) == (ReminderState.CANCELLED, "no longer in the conversation")
    assert other_counselor.email not in [m.to[0] for m in mail.outbox]


@pytest.mark.django_db
def test_a_counselor_still_on_the_couple_is_sent_the_email(couple, joint, partner, other_counselor, deliver):
    couple.other_counselors.add(other_counselor)
    services.message_post(actor=partner, thread=joint, body="One more thing.")

    deliver()

    assert other_counselor.email in [m.to[0] for m in mail.outbox]


@pytest.mark.django_db
def test_a_message_after_the_email_went_plans_a_new_one(joint, counselor, partner, deliver):
    deliver()

    services.message_post(actor=counselor, thread=joint, body="Later.")

    assert len(pending(partner)) == 1
    assert Reminder.objects.filter(recipient=partner, kind=KIND).count() == 2


@pytest.mark.django_db
def test_the_database_refuses_a_second_pending_notice_for_one_person_and_thread(joint, partner):
    (first,) = pending(partner)

    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=KIND,
            recipient=partner,
            thread_id=joint.pk,
            object_key=f"thread:{joint.pk}:999999",
            due_at=first.due_at,
        )


@pytest.mark.django_db
def test_a_message_notice_must_name_its_thread_in_its_key(joint, partner):
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=KIND, recipient=partner, thread_id=joint.pk, object_key="thread:0:1", due_at=timezone.now()
        )


# --- Quiet hours, unsubscribe, what the e-mail says -------------------------------------------


@pytest.mark.django_db
def test_a_message_inside_quiet_hours_is_emailed_when_they_end(joint, partner, django_capture_on_commit_callbacks):
    Reminder.objects.filter(kind=KIND).delete()
    tz = ZoneInfo(partner.time_zone)
    night = datetime(2026, 4, 6, 23, 0, tzinfo=tz)  # quiet 21:00-08:00 (the defaults)
    morning = datetime(2026, 4, 7, 8, 0, tzinfo=tz)

    message_notices_plan(
        thread_id=joint.pk,
        message_id=1,
        author_id=joint.couple.primary_counselor_id,
        counselors=[],
        partners=[partner],
        author_name="Dana Reyes",
        author_is_counselor=True,
        now=night.astimezone(UTC),
    )

    (reminder,) = pending(partner)
    assert reminder.due_at == morning
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminders_sweep(now=morning - timedelta(minutes=1)).claimed == []
        assert reminders.reminders_sweep(now=morning).claimed == [reminder.pk]
    assert [m.to for m in mail.outbox] == [[partner.email]]


@pytest.mark.django_db
def test_an_unsubscribed_kind_sends_no_email_but_keeps_the_notice(joint, counselor, partner, deliver):
    reminders.preferences_unsubscribe(user=partner, kind=KIND)
    services.message_post(actor=counselor, thread=joint, body="More.")

    deliver()

    assert partner.email not in [m.to[0] for m in mail.outbox]
    assert Reminder.objects.get(recipient=partner, kind=KIND).emailed is False
    assert len(notices(partner)) == 1


@pytest.mark.django_db
def test_the_email_says_there_is_a_message_and_links_to_the_thread(joint, partner, deliver, settings):
    deliver()

    (message,) = [m for m in mail.outbox if m.to == [partner.email]]
    assert message.subject == f"{settings.PRACTICE_NAME}: you have a new message"
    assert settings.PORTAL_BASE_URL + reverse("messaging:thread", args=[joint.pk]) in message.body
    assert notices(partner)[0].url == reverse("messaging:thread", args=[joint.pk])


@pytest.mark.django_db
def test_the_counselor_learns_nothing_of_a_private_message_but_who_wrote(
    start, couple, partner, counselor, upload, pdf_bytes, deliver
):
    thread = start("private", partner, couple=couple, subject="SECRET-SUBJECT", body="SECRET-OPENING")
    services.message_post(
        actor=partner, thread=thread, body="SECRET-BODY", files=[upload("SECRET-FILE.pdf", pdf_bytes)]
    )

    deliver()

    told = everything_sent_to(counselor)
    assert "New message from Sam Lee" in told and "you have a new message" in told
    assert "SECRET" not in told and "Riley" not in told


@pytest.mark.django_db
def test_a_partner_learns_nothing_of_a_private_message_but_that_there_is_one(
    start, couple, partner, counselor, upload, pdf_bytes, deliver
):
    thread = start("private", partner, couple=couple, subject="SECRET-SUBJECT", body="SECRET-OPENING about Riley")
    services.message_post(
        actor=counselor, thread=thread, body="SECRET-BODY", files=[upload("SECRET-FILE.pdf", pdf_bytes)]
    )

    deliver()

    told = everything_sent_to(partner)
    assert "New message from your counselor" in told and "you have a new message" in told
    assert "SECRET" not in told and "Riley" not in told


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "offered"), [("partner", True), ("counselor", True), ("practice_admin", False)])
def test_the_message_email_can_be_turned_off_by_whoever_gets_it(request, persona, offered):
    user = request.getfixturevalue(persona)

    assert ("email_message_received" in PreferencesForm(user=user).fields) is offered


# --- Through a real worker and an SMTP server ---------------------------------------------


def _expected(ids) -> Counter:
    """Each reminder's e-mail once, by its Message-ID."""
    return Counter(f"<reminder.{pk}.message_received@localhost>" for pk in ids)


def _ids_of(user) -> list[int]:
    return list(Reminder.objects.filter(recipient=user, kind=KIND).values_list("pk", flat=True))


@pytest.fixture
def redis_broker():
    assert BROKER_URL.startswith("redis://"), "these tests need Redis as the broker: set CELERY_BROKER_URL"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_burst_of_three_messages_sends_each_recipient_exactly_one_email(
    redis_broker, smtp, start_worker, joint, counselor, partner
):
    sink, _ = smtp
    services.message_post(actor=counselor, thread=joint, body="Second.")
    services.message_post(actor=counselor, thread=joint, body="Third.")
    start_worker()

    ids = time_passes()
    sweep_until_done(ids, timeout=30)

    assert len(ids) == 2  # Sam and Riley
    assert Counter(sink.message_ids) == _expected(ids)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_message_read_in_the_portal_in_time_sends_no_email(
    redis_broker, smtp, start_worker, joint, partner, other_partner
):
    sink, _ = smtp
    services.thread_mark_read(user=partner, thread=joint)
    start_worker()

    ids = time_passes()
    sweep_until_done(ids, timeout=30)

    assert Counter(sink.message_ids) == _expected(_ids_of(other_partner))
    assert not Reminder.objects.filter(recipient=partner, kind=KIND, state=ReminderState.SENT).exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_unsubscribed_recipient_gets_no_email_through_the_worker(
    redis_broker, smtp, start_worker, counselor, couple, start, partner, other_partner
):
    sink, _ = smtp
    reminders.preferences_unsubscribe(user=partner, kind=KIND)
    joint = start("joint", couple=couple)
    start_worker()

    ids = time_passes()
    sweep_until_done(ids, timeout=30)

    assert Counter(sink.message_ids) == _expected(_ids_of(other_partner))
    assert Reminder.objects.get(recipient=partner, kind=KIND, thread_id=joint.pk).state == ReminderState.SENT
    assert len(notices(partner)) == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_message_inside_quiet_hours_waits_for_their_end_through_the_worker(
    redis_broker, smtp, start_worker, counselor, couple, start, partner, other_partner
):
    sink, _ = smtp
    tz = ZoneInfo(partner.time_zone)
    local_now = timezone.now().astimezone(tz)
    quiet_end = (local_now + timedelta(hours=2)).replace(second=0, microsecond=0)
    NotificationPreference.objects.update_or_create(
        user=partner,
        defaults={"quiet_start": (local_now - timedelta(hours=1)).time(), "quiet_end": quiet_end.time()},
    )
    start("joint", couple=couple)  # Dana writes while Sam's quiet hours run
    start_worker()
    (sams,) = _ids_of(partner)
    assert Reminder.objects.get(pk=sams).due_at == quiet_end  # planned for when they end

    rileys = _ids_of(other_partner)
    Reminder.objects.filter(pk__in=rileys).update(due_at=timezone.now() - timedelta(seconds=1))
    sweep_until_done(rileys, timeout=30)  # Riley's delay is over; Sam's quiet hours are not
    assert Counter(sink.message_ids) == _expected(rileys)
    assert Reminder.objects.get(pk=sams).state == ReminderState.PENDING

    Reminder.objects.filter(pk=sams).update(due_at=timezone.now() - timedelta(seconds=1))  # the quiet hours end
    sweep_until_done([sams], timeout=30)
    assert Counter(sink.message_ids) == _expected([*rileys, sams])
