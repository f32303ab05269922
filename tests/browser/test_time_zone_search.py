"""In Chromium: the time-zone select's search box (static/js/tz-search.js,
loaded by the select itself under the real Content-Security-Policy) narrows
its options, and the profile saves the zone picked from what is left."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.browser


def _profile(open_page, live_server, user):
    recording = open_page(1280, 900)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    recording.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = recording.page
    page.goto(f"{live_server.url}/profile/")
    return page


def _shown(page) -> list[str]:
    return page.eval_on_selector_all(
        "select[data-zone-search] option", "options => options.filter(o => !o.hidden).map(o => o.value)"
    )


def test_typing_a_city_narrows_the_zones_to_it(open_page, live_server, counselor):
    page = _profile(open_page, live_server, counselor)

    page.fill("input.zone-search", "berlin")

    assert _shown(page) == ["Europe/Berlin"]


def test_the_zone_picked_from_the_narrowed_list_is_saved(open_page, live_server, counselor):
    page = _profile(open_page, live_server, counselor)

    page.fill("input.zone-search", "kathmandu")
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")

    counselor.refresh_from_db()
    assert counselor.time_zone == "Asia/Kathmandu"
