"""A partner in safety mode: their e-mails and notices name neither the
practice nor the exercise, and their partner is never told of their activity."""

from __future__ import annotations

from email.utils import parseaddr

import pytest
from django.core import mail

from accounts import services as account_services
from exercises import services as exercise_services
from notifications import services
from notifications.models import InAppNotification, Reminder, ReminderKind, ReminderState
from tests.notifications.helpers import ANSWERS, NOW, claimed, queries_beyond_one_per_email

pytestmark = pytest.mark.django_db


def whole(message) -> str:
    return message.message().as_string() + message.subject + message.body + message.alternatives[0][0]


@pytest.fixture
def sam_in_safety_mode(counselor, couple):
    account_services.safety_mode_set(actor=counselor, partner=couple.partner_one, on=True)
    return couple.partner_one


def test_a_reminder_to_a_partner_in_safety_mode_names_neither_practice_nor_exercise(
    live_occurrence, sam_in_safety_mode, make_reminder, settings
):
    reminder = make_reminder(live_occurrence, sam_in_safety_mode, kind=ReminderKind.EXERCISE_DUE_SOON)

    assert services.reminders_deliver(reminder_ids=claimed(reminder)).sent == [reminder.pk]

    (message,) = mail.outbox
    assert message.subject == "You have a new notice"
    assert settings.PRACTICE_NAME not in whole(message)
    assert "Feelings check" not in whole(message)
    assert parseaddr(message.message()["From"])[0] == "Client portal"
    assert settings.PORTAL_BASE_URL in message.body


def test_the_in_app_notice_of_a_partner_in_safety_mode_is_neutral(
    live_occurrence, sam_in_safety_mode, make_reminder, settings
):
    reminder = make_reminder(live_occurrence, sam_in_safety_mode, kind=ReminderKind.EXERCISE_OVERDUE)

    services.reminders_deliver(reminder_ids=claimed(reminder))

    text = InAppNotification.objects.get(user=sam_in_safety_mode).text
    assert settings.PRACTICE_NAME not in text and "Feelings check" not in text


def test_the_other_partner_still_gets_the_usual_reminder(live_occurrence, sam_in_safety_mode, couple, make_reminder):
    reminder = make_reminder(live_occurrence, couple.partner_two, kind=ReminderKind.EXERCISE_DUE_SOON)

    services.reminders_deliver(reminder_ids=claimed(reminder))

    (message,) = mail.outbox
    assert "Feelings check" in message.subject


def test_safety_mode_costs_no_query_per_email(live_occurrence, sam_in_safety_mode, couple, make_reminder):
    reminders = [
        make_reminder(live_occurrence, partner, kind=kind)
        for partner in couple.partners
        for kind in (ReminderKind.EXERCISE_DUE_SOON, ReminderKind.EXERCISE_OVERDUE)
    ]

    # The same fixed twelve as without safety mode (test_delivery): its state
    # is read with the reminders, not once per e-mail.
    assert queries_beyond_one_per_email(claimed(*reminders)) == 12
    assert sum(m.subject == "You have a new notice" for m in mail.outbox) == 2


def test_no_partner_finished_notice_about_a_partner_in_safety_mode(assign, couple, occurrence_of, counselor):
    account_services.safety_mode_set(actor=counselor, partner=couple.partner_one, on=True)
    occurrence = occurrence_of(assign())

    exercise_services.response_submit(occurrence=occurrence, user=couple.partner_one, answers=ANSWERS, now=NOW)

    assert not Reminder.objects.filter(kind=ReminderKind.PARTNER_FINISHED).exists()


def test_a_pending_partner_finished_notice_is_cancelled_when_safety_mode_comes_on(
    assign, couple, occurrence_of, counselor
):
    occurrence = occurrence_of(assign())
    exercise_services.response_submit(occurrence=occurrence, user=couple.partner_one, answers=ANSWERS, now=NOW)

    account_services.safety_mode_set(actor=counselor, partner=couple.partner_one, on=True)

    assert Reminder.objects.get(kind=ReminderKind.PARTNER_FINISHED).state == ReminderState.CANCELLED


def test_the_partner_in_safety_mode_is_still_told_when_the_other_finishes(assign, couple, occurrence_of, counselor):
    account_services.safety_mode_set(actor=counselor, partner=couple.partner_one, on=True)
    occurrence = occurrence_of(assign())

    exercise_services.response_submit(occurrence=occurrence, user=couple.partner_two, answers=ANSWERS, now=NOW)

    assert Reminder.objects.get(kind=ReminderKind.PARTNER_FINISHED).recipient == couple.partner_one
