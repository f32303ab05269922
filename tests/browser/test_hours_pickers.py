"""A counselor edits their weekly hours with time pickers, on a phone and on a
desktop: adds an interval with the button, removes one, saves, and is warned
about an hour outside the office's opening hours."""

from __future__ import annotations

import pytest

from scheduling.models import WorkingHours

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_a_counselor_edits_hours_with_pickers_and_sees_the_opening_hours_warning(
    width, open_page, live_server, dana, edmonds, screenshots_dir
):
    recording = open_page(width, 900)
    recording.log_in(dana, live_server.url)
    page = recording.page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/schedules/{dana.pk}/?location={edmonds.pk}")
    tuesday = page.locator(".hours-day[data-day='1']")
    assert tuesday.locator(".hours-row").count() == 2  # Dana's 09:00-17:00 and an empty row
    # Tuesday: 07:00-12:00 (Edmonds opens at 08:00) and, in a row added with the button, 13:00-17:00.
    tuesday.locator("input[name=d1_0_start]").fill("07:00")
    tuesday.locator("input[name=d1_0_end]").fill("12:00")
    tuesday.locator("input[name=d1_1_start]").fill("13:00")
    tuesday.locator("input[name=d1_1_end]").fill("17:00")
    tuesday.locator("button.add-row").click()
    assert tuesday.locator(".hours-row").count() == 3
    tuesday.locator(".hours-row").nth(2).locator("input").first.fill("18:00")
    tuesday.locator(".hours-row").nth(2).locator("button.remove-row").click()
    assert tuesday.locator(".hours-row").count() == 2
    page.locator(".hours-day[data-day='2'] input[name=d2_0_start]").fill("10:00")
    page.locator(".hours-day[data-day='2'] input[name=d2_0_end]").fill("15:00")
    page.locator(".hours-form").screenshot(path=str(screenshots_dir / f"hours-pickers-{width}.png"))
    with page.expect_navigation():
        page.click("button:text('Save hours')")
    messages = page.locator(".messages").inner_text()
    assert "Working hours at Edmonds are saved." in messages
    assert "Tuesday 07:00–12:00 is outside Edmonds's opening hours that day (08:00–20:00)" in messages
    assert sorted(
        (h.weekday, f"{h.start:%H:%M}", f"{h.end:%H:%M}")
        for h in WorkingHours.objects.filter(counselor=dana, location=edmonds)
    ) == [(1, "07:00", "12:00"), (1, "13:00", "17:00"), (2, "10:00", "15:00")]
    page.screenshot(path=str(screenshots_dir / f"hours-saved-warning-{width}.png"), full_page=True)
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert errors == []
    assert recording.foreign_requests(live_server.url) == []
