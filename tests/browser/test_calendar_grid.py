"""The front desk opens the calendar's day at Edmonds, sees the booked blocks,
reaches a free half hour with the Tab key and clicks it: the booking page opens
with that counselor, office and UTC start. At 375 px the day reads as a list."""

from __future__ import annotations

from datetime import UTC, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from scheduling.models import Appointment, AppointmentParticipant, TimeOff
from tests.scheduling.helpers import at

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_the_front_desk_books_from_a_free_half_hour_of_the_day(
    width,
    open_page,
    live_server,
    practice_admin,
    dana,
    owen,
    edmonds,
    book,
    couple,
    other_couple,
    tuesday,
    screenshots_dir,
):
    book(tuesday, "10:00")
    requested = book(tuesday, "13:00")
    Appointment.objects.filter(pk=requested.pk).update(status="requested")
    owens = at(tuesday, "11:00")
    Appointment.objects.create(
        counselor=owen, location=edmonds, couple=other_couple, start=owens, end=owens + timedelta(minutes=50)
    )
    desk = open_page(width, 900)
    desk.log_in(practice_admin, live_server.url)
    page = desk.page
    page.goto(f"{live_server.url}/calendar/?view=day&location=edmonds&date={tuesday.isoformat()}")
    assert page.locator(".cal-col").count() == 2
    assert page.locator("a.cal-appt").count() == 3
    assert "Requested, to confirm" in page.locator("a.cal-appt").nth(1).inner_text()
    page.screenshot(path=str(screenshots_dir / f"calendar-day-{width}.png"), full_page=True)
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        # A list: the free times show their hour, one under the other.
        first, second = page.locator("a.cal-free").nth(0), page.locator("a.cal-free").nth(1)
        assert first.is_visible() and "9:00 AM" in first.inner_text()
        assert first.bounding_box()["y"] < second.bounding_box()["y"]  # type: ignore[index]

    # The Tab key reaches a free half hour, and its focus shows.
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('cal-free')"):
            break
    else:
        pytest.fail("Tab never reached a free half hour")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert label == "Book 9:00 AM with Dana Reyes at Edmonds"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.screenshot(path=str(screenshots_dir / f"calendar-day-focus-{width}.png"))

    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    assert navigation.value is not None and navigation.value.status == 200
    landed = urlsplit(page.url)
    assert landed.path == "/appointments/book/"
    query = parse_qs(landed.query)
    assert query["counselor"] == [str(dana.pk)]
    assert query["location"] == [str(edmonds.pk)]
    assert query["start"] == [at(tuesday, "09:00").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]

    # The slot is chosen already: who, then confirm, and the session is on the day.
    page.check(f"input[value=couple-{couple.pk}]")
    with page.expect_navigation():
        page.click("button:text('Next')")
    assert page.locator("[aria-current=step]").inner_text() == "3. Confirm"
    with page.expect_navigation():
        page.click("button:text('Book')")
    booked = Appointment.objects.get(start=at(tuesday, "09:00"))
    assert (booked.counselor, booked.location, booked.couple) == (dana, edmonds, couple)
    page.goto(f"{live_server.url}/calendar/?view=day&location=edmonds&date={tuesday.isoformat()}")
    assert page.locator("a.cal-appt").count() == 4
    page.screenshot(path=str(screenshots_dir / f"calendar-booked-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", [375, 1280])
def test_a_counselors_week_shows_days_as_columns(width, open_page, live_server, dana, book, tuesday, screenshots_dir):
    book(tuesday, "10:00")
    cancelled = book(tuesday, "11:00")
    Appointment.objects.filter(pk=cancelled.pk).update(
        status="cancelled", cancelled_at=timezone.now(), late_cancellation=True
    )
    AppointmentParticipant.objects.filter(appointment=cancelled).update(is_blocking=False)
    book(tuesday, "11:00")  # the hour given up, booked again: side by side with the cancellation
    done = book(tuesday, "14:00")
    Appointment.objects.filter(pk=done.pk).update(client_confirmed_at=timezone.now())
    TimeOff.objects.create(counselor=dana, starts_on=tuesday + timedelta(days=2), ends_on=tuesday + timedelta(days=2))
    recording = open_page(width, 900)
    recording.log_in(dana, live_server.url)
    page = recording.page
    page.goto(f"{live_server.url}/calendar/?view=week&date={tuesday.isoformat()}")
    assert page.locator(".cal-col").count() == 7
    assert page.locator("a.cal-appt").count() == 4
    assert page.locator(".cal-col").nth(3).locator(".cal-off").inner_text() == "Time off"
    assert page.locator("a.cal-appt.st-late-cancelled").inner_text().endswith("Late-cancelled")
    page.screenshot(path=str(screenshots_dir / f"calendar-week-{width}.png"), full_page=True)
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_an_offices_week_shows_each_counselors_sessions_side_by_side(
    open_page, live_server, practice_admin, dana, owen, edmonds, book, other_couple, tuesday, screenshots_dir
):
    book(tuesday, "10:00")
    owens = at(tuesday, "10:30")
    Appointment.objects.create(
        counselor=owen, location=edmonds, couple=other_couple, start=owens, end=owens + timedelta(minutes=50)
    )
    desk = open_page(1280, 900)
    desk.log_in(practice_admin, live_server.url)
    page = desk.page
    page.goto(f"{live_server.url}/calendar/?view=week&location=edmonds&date={tuesday.isoformat()}")
    blocks = page.locator("a.cal-appt")
    assert blocks.count() == 2
    first, second = blocks.nth(0).bounding_box(), blocks.nth(1).bounding_box()
    assert first is not None and second is not None
    assert first["x"] + first["width"] <= second["x"] + 1  # side by side, not on top of each other
    assert "with Owen Park" in blocks.nth(1).inner_text()
    page.screenshot(path=str(screenshots_dir / "calendar-office-week-1280.png"), full_page=True)
