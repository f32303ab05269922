"""A partner logs in through the real login form and sees their home page, on a phone and a laptop."""

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_partner_logs_in_and_sees_their_home(width, open_page, live_server, partner, screenshots_dir):
    recording = open_page(width, 800)
    page = recording.page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", partner.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")

    assert page.url == f"{live_server.url}/me/"
    first_name = partner.full_name.split()[0]  # "Sam", of Sam Lee
    assert page.locator("h1").inner_text().strip() == f"Hello, {first_name}"
    page.screenshot(path=str(screenshots_dir / f"client-home-{width}.png"), full_page=True)

    if width == 375:
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= 375, f"the page scrolls sideways on a phone: {scroll_width} px wide"
    assert recording.foreign_requests(live_server.url) == []
    assert any(url.endswith("/static/css/portal.css") for url in recording.requests)
