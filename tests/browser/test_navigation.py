"""The main navigation folds behind a Menu button on a phone and stays open on a laptop."""

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def test_on_a_phone_the_menu_button_opens_and_escape_closes_the_navigation(open_page, live_server, partner):
    page = open_page(375, 800).page
    _log_in(page, live_server, partner)
    menu = page.locator(".menu-toggle")
    nav_link = page.get_by_role("link", name="Appointments")

    assert menu.is_visible() and menu.get_attribute("aria-expanded") == "false"
    assert not nav_link.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert nav_link.is_visible()
    page.keyboard.press("Escape")
    assert not nav_link.is_visible()


def test_on_a_laptop_the_navigation_is_open_and_there_is_no_menu_button(open_page, live_server, partner):
    page = open_page(1280, 800).page
    _log_in(page, live_server, partner)

    assert not page.locator(".menu-toggle").is_visible()
    assert page.get_by_role("link", name="Appointments").is_visible()
