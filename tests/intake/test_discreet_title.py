"""Outside the portal's pages (e-mails, in-app notices, calendar feeds) the
private safety check-in is never named: someone else may read them."""

from __future__ import annotations

from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from exercises.builtin_intake import DISCREET_TITLE, SAFETY_SCREEN_SLUG
from notifications.emails import in_app_text, reminder_message
from notifications.models import Reminder, ReminderKind
from scheduling import services as scheduling


def _check_in_occurrence(packet):
    return packet.items.get(template__slug=SAFETY_SCREEN_SLUG).assignment.occurrences.get()


def test_a_reminder_of_the_check_in_does_not_name_it(packet, partner):
    occurrence = _check_in_occurrence(packet)
    reminder = Reminder.objects.create(
        kind=ReminderKind.EXERCISE_DUE_SOON,
        recipient=partner,
        occurrence=occurrence,
        object_key=f"occurrence:{occurrence.pk}",
        due_at=timezone.now(),
    )

    message = reminder_message(reminder)

    assert "safety" not in (message.subject + message.body + in_app_text(reminder)).lower()
    assert DISCREET_TITLE in message.subject


def test_the_partners_calendar_feed_does_not_name_the_check_in(packet, partner):
    token = scheduling.calendar_feed_enable(user=partner).token

    body = Client().get(f"/calendar/feed/{token}.ics").content
    summaries = [str(event["summary"]) for event in Calendar.from_ical(body).walk("VEVENT")]

    assert f"Exercise due: {DISCREET_TITLE}" in summaries
    assert not any("safety" in summary.lower() for summary in summaries)
