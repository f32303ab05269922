"""Password e-mails through Celery, and the counselor's weekly digest."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone

from accounts.tasks import send_rendered_email
from exercises import services as exercise_services
from exercises.models import ExerciseTemplate
from notifications import appointments, services
from notifications import selectors as notification_selectors
from notifications.models import InAppNotification, Reminder, ReminderKind
from tests.notifications.helpers import ANSWERS

pytestmark = pytest.mark.django_db

DIGEST = ReminderKind.WEEKLY_DIGEST


def test_a_password_reset_email_is_queued_as_a_celery_task_with_text_and_html(client, partner):
    with mock.patch.object(send_rendered_email, "apply_async", wraps=send_rendered_email.apply_async) as queued:
        response = client.post("/accounts/password/reset/", {"email": partner.email})
    assert response.status_code == 302
    assert queued.call_count == 1
    (message,) = mail.outbox  # the task ran (eagerly here) and sent it
    assert message.to == [partner.email] and "/accounts/password/reset/key/" in message.body
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html" and "/accounts/password/reset/key/" in html


def test_a_password_reset_with_the_broker_down_is_sent_from_the_web_process(client, partner):
    with mock.patch.object(send_rendered_email, "apply_async", side_effect=OSError("broker down")):
        response = client.post("/accounts/password/reset/", {"email": partner.email})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[partner.email]]


def test_the_digest_is_planned_for_monday_7_in_the_counselors_time_zone(counselor):
    counselor.time_zone = "America/New_York"
    counselor.save()
    thursday = datetime(2026, 3, 5, 15, 0, tzinfo=UTC)
    appointments.digests_plan(now=thursday)
    appointments.digests_plan(now=thursday + timedelta(hours=1))  # hourly: still one
    (row,) = Reminder.objects.filter(kind=DIGEST, recipient=counselor)
    local = row.due_at.astimezone(ZoneInfo("America/New_York"))
    assert (local.date(), local.time()) == (datetime(2026, 3, 9).date(), time(7, 0))  # EDT from 8 March
    assert row.object_key == "week:2026-W11"


def test_the_digest_counts_per_couple_without_answer_content(
    counselor, couple, template, django_capture_on_commit_callbacks
):
    now = timezone.now()
    done, _late, _ = (
        exercise_services.assignment_create(
            counselor=counselor,
            couple=couple,
            template=template,
            starts_on=timezone.localdate() - timedelta(days=3),
            due_on=timezone.localdate() + timedelta(days=days),
            due_time=time(12, 0),
            now=now - timedelta(days=3),
        )
        for days in (2, -1, 3)
    )
    occurrence = done.occurrences.get()
    for partner in couple.partners:
        exercise_services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)
    Reminder.objects.all().delete()  # only the digest below
    now = timezone.now()
    row = Reminder.objects.create(
        kind=DIGEST, recipient=counselor, object_key="week:2099-W01", due_at=now, expires_at=now + timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.reminders_sweep(now=now + timedelta(seconds=1))
    (message,) = mail.outbox
    assert f"{couple.display_name}: 1 completed, 1 overdue, 2 waiting for your review" in message.body
    assert "SECRET-ANSWER" not in message.body and "SECRET-ANSWER" not in message.alternatives[0][0]
    assert InAppNotification.objects.filter(reminder=row).exists()


def test_the_digest_leaves_ritual_logs_out_of_waiting_for_review(counselor, couple):
    ritual = exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=ExerciseTemplate.objects.get(slug="rituals-of-connection", owner=None),
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
    )
    exercise_services.response_submit(
        occurrence=ritual.occurrences.get(),
        user=couple.partner_one,
        answers={"ritual": "morning_coffee", "happened": True, "minutes": 20},
    )
    now = timezone.now()

    (row,) = notification_selectors.digest_for(counselor.pk, since=now - timedelta(days=7), until=now)

    assert row["to_review"] == 0
