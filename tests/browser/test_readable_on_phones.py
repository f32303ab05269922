"""Small things a new user found, checked in a real browser on a 375 px phone:
the "Mark as read" button can be seen, and long unbroken text wraps instead
of widening the page."""

from __future__ import annotations

import pytest

from notifications.models import InAppNotification, ReminderKind
from scheduling import services

pytestmark = pytest.mark.browser

PHONE = 375
UNBROKEN = "https://example.test/" + "averyveryverylongwordwithoutanyspaces" * 6


def test_mark_as_read_is_visible_against_its_background(open_page, live_server, partner, screenshots_dir):
    InAppNotification.objects.create(user=partner, kind=ReminderKind.EXERCISE_DUE_SOON, text="Due tomorrow", url="/")
    recording = open_page(PHONE, 800)
    recording.log_in(partner, live_server.url)
    page = recording.page
    page.goto(f"{live_server.url}/notifications/")
    page.screenshot(path=str(screenshots_dir / "notifications-mark-as-read-375.png"), full_page=True)
    button = page.locator("button:text('Mark as read')")
    color = button.evaluate("b => getComputedStyle(b).color")
    assert color not in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")


def test_long_unbroken_text_wraps_on_a_phone(open_page, live_server, practice_admin, screenshots_dir):
    intake = services.intake_request_create(names="Jo" + "x" * 120, email="jo@example.test", note=UNBROKEN)
    recording = open_page(PHONE, 800)
    recording.log_in(practice_admin, live_server.url)
    page = recording.page
    page.goto(f"{live_server.url}/intake-requests/{intake.pk}/")
    page.screenshot(path=str(screenshots_dir / "intake-long-text-375.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
