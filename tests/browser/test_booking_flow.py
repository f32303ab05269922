"""The front desk books a couple in three steps (who, when, confirm), on a
phone and on a desktop; a time taken by someone else meanwhile is refused
with that week's free times still offered and a message saying what to change."""

from __future__ import annotations

import pytest

from scheduling import services
from scheduling.models import Appointment
from tests.factories import CoupleFactory
from tests.scheduling.helpers import at

pytestmark = pytest.mark.browser


def _fits(page, width: int) -> None:
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def _to_the_free_times(page, live_server, couple, dana, edmonds, tuesday) -> None:
    page.goto(f"{live_server.url}/appointments/book/")
    page.check(f"input[value=couple-{couple.pk}]")
    with page.expect_navigation():
        page.click("button:text('Next')")
    page.select_option("#id_counselor", str(dana.pk))
    page.select_option("#id_location", str(edmonds.pk))
    page.fill("#id_week", tuesday.isoformat())
    with page.expect_navigation():
        page.click("button:text('Show free times')")


@pytest.mark.parametrize("width", [375, 1280])
def test_the_front_desk_books_a_couple_in_three_steps(
    width, open_page, live_server, practice_admin, dana, edmonds, couple, tuesday, screenshots_dir
):
    desk = open_page(width, 900)
    desk.log_in(practice_admin, live_server.url)
    page = desk.page
    page.goto(f"{live_server.url}/appointments/book/")
    assert page.locator("[aria-current=step]").inner_text() == "1. Who"
    assert "sam@example.test" in page.locator(".who-option").first.inner_text()
    page.screenshot(path=str(screenshots_dir / f"booking-1-who-{width}.png"), full_page=True)
    _fits(page, width)
    _to_the_free_times(page, live_server, couple, dana, edmonds, tuesday)
    assert page.locator("[aria-current=step]").inner_text() == "2. When"
    assert "Sam Lee & Riley Lee" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshots_dir / f"booking-2-when-{width}.png"), full_page=True)
    _fits(page, width)
    with page.expect_navigation():
        page.locator("a.slot-button", has_text="10:00").first.click()
    assert page.locator("[aria-current=step]").inner_text() == "3. Confirm"
    summary = page.locator("dl.summary").inner_text()
    assert "Sam Lee & Riley Lee" in summary and "Dana Reyes" in summary and "10:00" in summary
    assert not Appointment.objects.exists()
    page.screenshot(path=str(screenshots_dir / f"booking-3-confirm-{width}.png"), full_page=True)
    _fits(page, width)
    with page.expect_navigation():
        page.click("button:text('Book')")
    assert Appointment.objects.get().start == at(tuesday, "10:00")
    assert page.locator(".messages").count() == 1
    assert desk.foreign_requests(live_server.url) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_a_time_taken_meanwhile_keeps_the_free_times_and_says_what_to_change(
    width, open_page, live_server, practice_admin, dana, edmonds, couple, tuesday, screenshots_dir
):
    desk = open_page(width, 900)
    desk.log_in(practice_admin, live_server.url)
    page = desk.page
    _to_the_free_times(page, live_server, couple, dana, edmonds, tuesday)
    with page.expect_navigation():
        page.locator("a.slot-button", has_text="10:00").first.click()
    # Someone else books Dana at 10:00 while the summary is open.
    services.appointment_book(
        actor=practice_admin,
        counselor=dana,
        location=edmonds,
        start=at(tuesday, "10:00"),
        couple=CoupleFactory(primary_counselor=dana),
    )
    with page.expect_navigation():
        page.click("button:text('Book')")
    alert = page.locator(".problems").inner_text()
    assert f"Dana Reyes has another session at 10:00 on {tuesday:%a %-d %b}; pick another time." in alert
    assert page.locator("[aria-current=step]").inner_text() == "2. When"
    assert page.locator("a.slot-button", has_text="11:00").count() == 1
    assert Appointment.objects.count() == 1
    page.screenshot(path=str(screenshots_dir / f"booking-clash-{width}.png"), full_page=True)
    _fits(page, width)
