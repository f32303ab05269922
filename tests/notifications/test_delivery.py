"""Delivery: the e-mail (parts, headers, no answer content), idempotence,
one SMTP connection per batch, retries and failures, the in-app notification."""

from __future__ import annotations

import email.utils
from datetime import datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from exercises import services as exercise_services
from notifications import emails, services, tasks
from notifications.models import InAppNotification, NotificationPreference, Reminder, ReminderKind, ReminderState
from tests.notifications import backends, bulk
from tests.notifications.helpers import ANSWERS, claimed, queries_beyond_one_per_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def scripted(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.ScriptedBackend"
    backends.ScriptedBackend.script = []
    backends.ScriptedBackend.opened = 0
    return backends.ScriptedBackend


def test_the_email_has_both_parts_the_practice_and_rfc_8058_headers(live_occurrence, partner, make_reminder, settings):
    reminder = make_reminder(live_occurrence, partner, kind=ReminderKind.EXERCISE_DUE_SOON)
    result = services.reminders_deliver(reminder_ids=claimed(reminder))
    assert result.sent == [reminder.pk]
    (message,) = mail.outbox
    assert message.to == [partner.email]
    assert settings.PRACTICE_NAME in message.subject and "Feelings check" in message.subject
    assert settings.PRACTICE_NAME in message.body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html" and settings.PRACTICE_NAME in html and "<a href=" in html
    headers = message.message()
    assert headers["Message-ID"] == f"<reminder.{reminder.pk}.exercise_due_soon@localhost>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = headers["List-Unsubscribe"].strip("<>")
    assert url.startswith(settings.PORTAL_BASE_URL + "/notifications/unsubscribe/")
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert emails.unsubscribe_claims(token) == (partner.pk, ReminderKind.EXERCISE_DUE_SOON)
    assert email.utils.parseaddr(headers["From"])[0] == settings.PRACTICE_NAME


def test_no_email_carries_answer_content(live_occurrence, couple, sweep):
    sam, riley = couple.partners
    # Noon where Riley lives, so the notice is not held back by Riley's quiet hours.
    noon = datetime.combine(timezone.localdate(timezone=ZoneInfo(riley.time_zone)), time(12), ZoneInfo(riley.time_zone))
    with time_machine.travel(noon, tick=True):
        exercise_services.response_submit(occurrence=live_occurrence, user=sam, answers=ANSWERS)
        sweep()  # "your partner has finished", due now, goes to Riley
    (message,) = mail.outbox
    assert message.to == [riley.email]
    assert "partner has finished" in message.subject
    whole = message.message().as_string() + message.body + message.alternatives[0][0]
    assert "SECRET-ANSWER" not in whole and "hopeful" not in whole
    note = InAppNotification.objects.get(user=riley)
    assert "SECRET" not in note.text and note.kind == ReminderKind.PARTNER_FINISHED


def test_a_redelivered_task_does_nothing(live_occurrence, partner, make_reminder):
    reminder = make_reminder(live_occurrence, partner)
    ids = claimed(reminder)
    tasks.deliver_reminders.apply(args=[ids], task_id="first")
    tasks.deliver_reminders.apply(args=[ids], task_id="first")  # the broker redelivers it
    tasks.deliver_reminders.apply(args=[ids], task_id="another")  # or the sweep queued it twice
    assert len(mail.outbox) == 1
    assert InAppNotification.objects.filter(reminder=reminder).count() == 1
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.SENT and reminder.attempts == 1 and reminder.emailed


def test_a_reminder_held_by_a_live_task_is_not_taken(live_occurrence, partner, make_reminder):
    reminder = make_reminder(live_occurrence, partner)
    claimed(reminder)
    Reminder.objects.filter(pk=reminder.pk).update(lease_owner="busy-task")
    assert services.reminders_deliver(reminder_ids=[reminder.pk], owner="other").sent == []
    assert mail.outbox == []


def test_one_smtp_connection_for_a_batch(live_occurrence, couple, make_reminder, scripted):
    sam, riley = couple.partners
    reminders = [
        make_reminder(live_occurrence, sam),
        make_reminder(live_occurrence, riley),
        make_reminder(live_occurrence, sam, kind=ReminderKind.EXERCISE_DUE_SOON),
        make_reminder(live_occurrence, riley, kind=ReminderKind.EXERCISE_DUE_SOON),
    ]
    assert len(services.reminders_deliver(reminder_ids=claimed(*reminders)).sent) == 4
    assert scripted.opened == 1
    assert len(mail.outbox) == 4


def test_a_temporary_error_keeps_the_rest_for_a_retry(live_occurrence, couple, make_reminder, scripted):
    sam, riley = couple.partners
    first, second = make_reminder(live_occurrence, sam), make_reminder(live_occurrence, riley)
    scripted.script = [None, backends.disconnected()]
    result = services.reminders_deliver(reminder_ids=claimed(first, second), owner="task-1")
    assert result.sent == [first.pk] and result.retry == [second.pk]
    assert result.retry_in == 30  # the first backoff step
    second.refresh_from_db()
    assert second.state == ReminderState.SENDING and second.lease_owner == "task-1"
    assert "SMTPServerDisconnected" in second.last_error
    assert second.lease_expires_at > timezone.now() + timedelta(seconds=30)
    # The retry (same task id) takes it back and sends it.
    assert services.reminders_deliver(reminder_ids=[second.pk], owner="task-1").sent == [second.pk]
    assert len(mail.outbox) == 2


def test_after_the_last_attempt_it_is_failed_listed_and_can_be_resent(
    live_occurrence, partner, make_reminder, scripted, settings, practice_admin
):
    settings.NOTIFICATIONS = {"MAX_ATTEMPTS": 2}
    reminder = make_reminder(live_occurrence, partner)
    scripted.script = [backends.greylisted(), backends.greylisted()]
    ids = claimed(reminder)
    assert services.reminders_deliver(reminder_ids=ids, owner="t").retry == ids
    result = services.reminders_deliver(reminder_ids=ids, owner="t")
    assert result.failed == ids and result.retry == []
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.FAILED and "451" in reminder.last_error and reminder.attempts == 2
    assert InAppNotification.objects.filter(reminder=reminder).count() == 1  # the bell still tells them
    assert reminder in services.selectors.failed_reminders()
    assert services.reminder_resend(reminder=reminder, actor=practice_admin)
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.PENDING and reminder.attempts == 0 and reminder.last_error == ""


def test_a_permanent_refusal_fails_at_once_and_the_batch_goes_on(live_occurrence, couple, make_reminder, scripted):
    sam, riley = couple.partners
    bad, good = make_reminder(live_occurrence, sam), make_reminder(live_occurrence, riley)
    scripted.script = [backends.refused()]
    result = services.reminders_deliver(reminder_ids=claimed(bad, good))
    assert result.failed == [bad.pk] and result.sent == [good.pk]
    bad.refresh_from_db()
    assert "550" in bad.last_error and bad.attempts == 1


def test_email_turned_off_still_reaches_the_bell(live_occurrence, partner, make_reminder):
    NotificationPreference.objects.create(user=partner, email_exercise_overdue=False)
    reminder = make_reminder(live_occurrence, partner)
    assert services.reminders_deliver(reminder_ids=claimed(reminder)).sent == [reminder.pk]
    assert mail.outbox == []
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.SENT and not reminder.emailed
    assert InAppNotification.objects.filter(user=partner).count() == 1


def test_a_reminder_made_moot_after_the_claim_is_cancelled(live_occurrence, partner, make_reminder):
    reminder = make_reminder(live_occurrence, partner)
    ids = claimed(reminder)  # claimed by the sweep, then the partner submits
    exercise_services.response_submit(occurrence=live_occurrence, user=partner, answers=ANSWERS)
    assert services.reminders_deliver(reminder_ids=ids).cancelled == ids
    assert mail.outbox == []


def test_backoff_is_exponential_and_capped():
    c = services.conf()
    assert [services.retry_delay(n, c).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_the_task_retries_with_the_backoff_countdown():
    result = services.DeliveryResult(retry=[7, 8], retry_in=60.0)

    class Retried(Exception):
        pass

    with (
        mock.patch.object(services, "reminders_deliver", return_value=result) as deliver,
        mock.patch.object(tasks.deliver_reminders, "retry", side_effect=Retried) as retry,
        pytest.raises(Retried),
    ):
        tasks.deliver_reminders.run([7, 8, 9])
    assert deliver.call_args.kwargs["reminder_ids"] == [7, 8, 9]
    assert retry.call_args.kwargs["args"] == [[7, 8]]
    assert retry.call_args.kwargs["countdown"] == 60.0


def test_the_delivery_task_acks_late():
    assert tasks.deliver_reminders.acks_late is True


def test_the_soft_time_limit_postpones_the_rest_instead_of_failing_it(
    live_occurrence, partner, make_reminder, scripted
):
    from celery.exceptions import SoftTimeLimitExceeded

    reminder = make_reminder(live_occurrence, partner)
    scripted.script = [SoftTimeLimitExceeded()]
    assert services.reminders_deliver(reminder_ids=claimed(reminder), owner="t").retry == [reminder.pk]


# --- Queries: a fixed number per batch, and one per e-mail (its record) ----------------


def test_delivering_exercise_reminders_costs_one_query_per_email_over_a_fixed_twelve(counselor, template):
    def batch_of(couples: int) -> list[int]:
        ids = bulk.due_reminders(
            couples=couples, per_partner=2, counselor=counselor, template=template, now=timezone.now()
        )
        return claimed(*Reminder.objects.filter(pk__in=ids))

    # Lease, read, settle in one transaction (savepoints included), and the
    # synchronous_commit switch; a field the e-mail reads but the selector
    # does not load would add one per e-mail.
    assert queries_beyond_one_per_email(batch_of(1)) == 12  # 4 e-mails
    assert queries_beyond_one_per_email(batch_of(6)) == 12  # 24 e-mails


def test_each_emails_record_runs_as_a_statement_prepared_once(counselor, template):
    from django.db import connection

    ids = bulk.due_reminders(couples=3, per_partner=2, counselor=counselor, template=template, now=timezone.now())
    result = services.reminders_deliver(reminder_ids=claimed(*Reminder.objects.filter(pk__in=ids)))
    assert len(result.sent) == 12
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement = %s",
            [services.FINISH_SQL.replace("%s", "$%d") % tuple(range(1, 11))],
        )
        assert cursor.fetchone() == (1,)


@pytest.fixture
def slow_sweeping(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.SlowSweepingBackend"
    backends.SlowSweepingBackend.reissued = []
    return backends.SlowSweepingBackend


def test_a_batch_that_outlasts_its_lease_renews_it_so_a_sweep_mid_batch_takes_nothing(
    slow_sweeping, settings, counselor, template
):
    # Ten messages of 0.15 s each: 1.5 s of sending against a 1 s lease.
    settings.NOTIFICATIONS = {"SEND_LEASE": timedelta(seconds=1), "RENEW_EVERY": timedelta(seconds=0.3)}
    slow_sweeping.sweep_at = 9
    ids = bulk.due_reminders(couples=5, per_partner=1, counselor=counselor, template=template, now=timezone.now())
    result = services.reminders_deliver(reminder_ids=claimed(*Reminder.objects.filter(pk__in=ids)))
    assert slow_sweeping.reissued == []
    assert sorted(result.sent) == sorted(ids)
