"""A visitor comes in by the front door: reads the home page, finds a counselor
for premarital counseling, asks for an appointment and reads the
confirmation; looks at the offices, their map and one office. Nothing is
fetched from another host and no page is wider than a phone."""

from __future__ import annotations

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from scheduling.models import CounselorProfile, IntakeRequest, Location
from tests.factories import LocationFactory
from tests.scheduling.helpers import open_hours

pytestmark = pytest.mark.browser


@pytest.fixture
def offices_on_map(edmonds, online_office, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Location.objects.filter(pk=edmonds.pk).update(
        latitude="47.81070", longitude="-122.37740", directions="Street parking nearby; the door is on Main Street."
    )
    for name, slug, lat, lon in (
        ("Seattle Greenlake", "seattle-greenlake", "47.67920", "-122.31780"),
        ("Tacoma", "tacoma", "47.25290", "-122.44430"),
        ("Spokane", "spokane", "47.65880", "-117.42600"),
        ("Vancouver", "vancouver", "45.63870", "-122.66150"),
    ):
        open_hours(LocationFactory(name=name, slug=slug, latitude=lat, longitude=lon), range(0, 5), "09:00", "17:00")


def _fits(page, width: int) -> None:
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.parametrize("width", [375, 1280])
def test_a_visitor_finds_a_counselor_by_specialty_and_sends_a_request(
    width, open_page, live_server, dana, owen, offices_on_map, screenshots_dir
):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 320), (214, 232, 240)).save(buffer, "JPEG")
    CounselorProfile.objects.get(user=dana).photo.save("dana.jpg", ContentFile(buffer.getvalue()))

    recording = open_page(width, 900)
    page = recording.page
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").count() == 1
    page.screenshot(path=str(screenshots_dir / f"front-door-home-{width}.png"), full_page=True)
    _fits(page, width)

    page.select_option("#find_specialty", "premarital-counseling")
    with page.expect_navigation():
        page.click("section.find >> text=Show counselors")
    cards = page.locator(".counselor-card")
    assert cards.count() == 1
    assert "Dana Reyes" in cards.first.inner_text() and "Accepting new clients" in cards.first.inner_text()
    photo = cards.first.locator("img.counselor-photo")
    assert photo.get_attribute("alt") == "Photo of Dana Reyes"
    page.screenshot(path=str(screenshots_dir / f"front-door-directory-{width}.png"), full_page=True)
    _fits(page, width)

    with page.expect_navigation():
        page.click("text=Not sure whom to choose? Request an appointment")
    page.select_option("#id_preferred_location", label="Edmonds")
    page.select_option("#id_counselor", "dana-reyes")
    page.select_option("#id_specialty", label="Premarital Counseling")
    page.fill("#id_preferred_times", "Saturday mornings")
    page.fill("#id_names", "Jamie and Pat Moore")
    page.fill("#id_email", "jamie@example.test")
    with page.expect_navigation():
        page.click("text=Send request")
    assert page.url.endswith("/request-an-appointment/sent/")
    assert "your request is with our front desk" in page.locator("h1").inner_text()
    page.screenshot(path=str(screenshots_dir / f"front-door-request-sent-{width}.png"), full_page=True)
    _fits(page, width)
    intake = IntakeRequest.objects.get()
    assert (intake.counselor, intake.names, intake.specialty.slug) == (
        dana,
        "Jamie and Pat Moore",
        "premarital-counseling",
    )

    assert recording.foreign_requests(live_server.url) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_a_visitor_sees_the_offices_as_cards_and_on_the_map(
    width, open_page, live_server, dana, offices_on_map, screenshots_dir
):
    recording = open_page(width, 900)
    page = recording.page
    page.goto(f"{live_server.url}/offices/")
    cards = page.locator(".office-card")
    assert cards.count() == 6
    columns = page.evaluate(
        "getComputedStyle(document.querySelector('.office-grid')).gridTemplateColumns.split(' ').length"
    )
    assert columns == (1 if width == 375 else 3)
    # The map: one marker per office with coordinates (not the online one), all drawn inside it.
    markers = page.locator("svg.office-map a.map-marker")
    assert markers.count() == 5
    box = page.locator("svg.office-map").bounding_box()
    for i in range(markers.count()):
        mark = markers.nth(i).bounding_box()
        assert box["x"] <= mark["x"] and mark["x"] + mark["width"] <= box["x"] + box["width"] + 0.5
        assert box["y"] <= mark["y"] and mark["y"] + mark["height"] <= box["y"] + box["height"] + 0.5
    page.screenshot(path=str(screenshots_dir / f"front-door-offices-{width}.png"), full_page=True)
    _fits(page, width)
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < (4000 if width == 375 else 2000), height

    with page.expect_navigation():
        page.click("svg.office-map a[aria-label='1. Edmonds']")
    assert page.locator("h1").inner_text().startswith("Edmonds")
    assert "Street parking nearby" in page.content()
    page.screenshot(path=str(screenshots_dir / f"front-door-office-{width}.png"), full_page=True)
    _fits(page, width)
    assert recording.foreign_requests(live_server.url) == []
