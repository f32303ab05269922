"""The public front door: the visitor home, finding a counselor, requesting an
appointment, the offices grid with "open now" and the map the portal draws,
and counselors' photos."""

from __future__ import annotations

import io
import math
import re
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image

from accounts.models import Role, User
from scheduling.models import CounselorProfile, IntakeRequest, Location, OpeningHours, Specialty
from scheduling.public_display import MARKER_GAP, MapPlace, map_places, office_today, project
from tests.factories import LocationFactory

LA = ZoneInfo("America/Los_Angeles")
NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def visitor() -> Client:
    return Client()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (200, 220, 230)).save(buffer, "JPEG")
    return buffer.getvalue()


# ---------------------------------------------------------------- the visitor home


def test_a_visitor_gets_the_practice_home_with_its_ways_in(visitor, db):
    response = visitor.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1" in page and "How we help couples" in page
    assert 'href="/request-an-appointment/"' in page
    assert 'action="/counselors/"' in page and 'name="specialty"' in page and 'name="online"' in page
    assert 'href="/offices/"' in page
    assert 'href="/accounts/login/"' in page


@pytest.mark.parametrize(("who", "home"), [("partner", "/me/"), ("counselor", None), ("practice_admin", None)])
def test_someone_logged_in_is_sent_to_their_own_home(who, home, request, as_user):
    user = request.getfixturevalue(who)
    response = as_user(user).get("/")
    assert response.status_code == 302
    assert response.url != "/"
    if home:
        assert response.url == home


# ---------------------------------------------------------------- open now, in the office's zone

WEEKDAYS_9_TO_5 = [(day, time(9), time(17)) for day in range(5)]


def test_an_office_is_open_now_by_its_own_clock():
    # Monday 7 December 2026, 17:30 UTC: 9:30 in Seattle, 12:30 in New York.
    now = datetime(2026, 12, 7, 17, 30, tzinfo=UTC)
    seattle = office_today(WEEKDAYS_9_TO_5, LA, now)
    assert seattle.is_open and seattle.closes_at == "5:00 PM"
    assert seattle.intervals == ("9:00 AM–5:00 PM",)
    # 16:30 UTC is 8:30 in Seattle: not open yet there, open in New York.
    early = datetime(2026, 12, 7, 16, 30, tzinfo=UTC)
    assert not office_today(WEEKDAYS_9_TO_5, LA, early).is_open
    assert office_today(WEEKDAYS_9_TO_5, NEW_YORK, early).is_open


def test_the_day_is_the_offices_day_not_utcs():
    # Saturday 12 December 2026, 02:00 UTC is still Friday evening (18:00) in Seattle.
    now = datetime(2026, 12, 12, 2, 0, tzinfo=UTC)
    hours = [(4, time(9), time(19))]  # Fridays only
    today = office_today(hours, LA, now)
    assert today.weekday == 4 and today.is_open and today.closes_at == "7:00 PM"
    assert not office_today(hours, NEW_YORK, now).is_open  # 21:00 on Friday there


def test_closing_time_is_not_open_and_a_day_without_hours_is_closed():
    at_five = datetime(2026, 12, 7, 17, 0, tzinfo=LA)
    assert not office_today(WEEKDAYS_9_TO_5, LA, at_five).is_open
    sunday = office_today(WEEKDAYS_9_TO_5, LA, datetime(2026, 12, 13, 12, 0, tzinfo=LA))
    assert not sunday.is_open and sunday.intervals == ()


def test_a_day_with_two_intervals_is_open_in_either_and_closed_between():
    hours = [(0, time(13), time(17)), (0, time(8), time(12))]
    lunch = office_today(hours, LA, datetime(2026, 12, 7, 12, 30, tzinfo=LA))
    assert not lunch.is_open and lunch.intervals == ("8:00 AM–12:00 PM", "1:00 PM–5:00 PM")
    assert office_today(hours, LA, datetime(2026, 12, 7, 13, 0, tzinfo=LA)).closes_at == "5:00 PM"


# ---------------------------------------------------------------- the map

WASHINGTON = [
    ("Edmonds", "edmonds", 47.81, -122.38),
    ("Online", "online", None, None),
    ("Spokane", "spokane", 47.66, -117.42),
    ("Vancouver", "vancouver", 45.63, -122.67),
    ("Oak Harbor", "oak-harbor", 48.29, -122.64),
]


def test_offices_without_coordinates_are_left_off_the_map_and_the_rest_numbered_in_order():
    places = map_places(WASHINGTON)
    assert [(p.number, p.slug) for p in places] == [(1, "edmonds"), (2, "spokane"), (3, "vancouver"), (4, "oak-harbor")]


def test_every_marker_is_inside_the_view_box_and_the_map_keeps_north_up_and_west_left():
    office_map = project(map_places(WASHINGTON), width=640, height=420, padding=28)
    assert office_map.view_box == "0 0 640 420"
    by_slug = {marker.place.slug: marker for marker in office_map.markers}
    for marker in office_map.markers:
        assert 28 <= marker.x <= 640 - 28 and 28 <= marker.y <= 420 - 28
    assert by_slug["oak-harbor"].y < by_slug["edmonds"].y < by_slug["vancouver"].y  # north is up
    assert by_slug["vancouver"].x < by_slug["edmonds"].x < by_slug["spokane"].x  # west is left
    # Fitted: the extreme offices touch the padded box on the axis that limits the scale.
    xs = [m.anchor_x for m in office_map.markers]
    ys = [m.anchor_y for m in office_map.markers]
    assert min(xs) == pytest.approx(28, abs=0.2) or min(ys) == pytest.approx(28, abs=0.2)
    assert not any(m.is_moved for m in office_map.markers)  # far apart: drawn where they are


def test_offices_close_together_are_spread_apart_inside_the_map_and_keep_their_place_as_anchor():
    seattle = [MapPlace(i + 1, f"S{i}", f"s{i}", 47.6 + i * 0.001, -122.3) for i in range(12)]
    office_map = project([*seattle, MapPlace(13, "Spokane", "spokane", 47.66, -117.42)], width=640, height=420)
    markers = office_map.markers
    for a in markers:
        assert 28 <= a.x <= 612 and 28 <= a.y <= 392
        for b in markers:
            if a is not b:
                assert math.hypot(a.x - b.x, a.y - b.y) >= MARKER_GAP - 0.1
    moved = [m for m in markers if m.is_moved]
    assert moved and all(abs(m.anchor_y - markers[0].anchor_y) < 5 for m in markers[:12])
    # The same offices give the same drawing every time.
    assert project([*seattle]).markers == project([*seattle]).markers


def test_east_west_distances_are_shrunk_by_the_latitude():
    # One degree of latitude and one of longitude at 60°N: the second is half as long.
    places = [MapPlace(1, "A", "a", 60.0, 10.0), MapPlace(2, "B", "b", 61.0, 10.0), MapPlace(3, "C", "c", 60.0, 11.0)]
    office_map = project(places, width=1000, height=1000, padding=0)
    a, b, c = office_map.markers
    north_south = abs(a.y - b.y)
    east_west = abs(c.x - a.x)
    assert east_west / north_south == pytest.approx(0.5, abs=0.01)


def test_one_office_sits_in_the_middle_and_no_office_draws_no_marker():
    (marker,) = project([MapPlace(1, "A", "a", 47.6, -122.3)], width=600, height=400).markers
    assert (marker.x, marker.y) == (300, 200)
    assert project([]).markers == ()


# ---------------------------------------------------------------- the offices grid and an office's page


@pytest.fixture
def mapped(edmonds, online_office):
    Location.objects.filter(pk=edmonds.pk).update(
        latitude="47.81100", longitude="-122.37700", directions="Park behind the building; the door is on the left."
    )
    LocationFactory(name="Spokane", slug="spokane", latitude="47.65800", longitude="-117.42600")
    return edmonds


def test_the_offices_page_is_a_grid_of_cards_with_today_and_a_map_of_the_offices_with_coordinates(visitor, mapped):
    page = visitor.get("/offices/").content.decode()
    assert 'class="office-grid"' in page
    assert page.count('class="office-card"') == 3
    assert ("Open now" in page) or ("Closed now" in page)
    svg = re.search(r"<svg.*?</svg>", page, re.S).group(0)
    assert "<title" in svg and "<desc" in svg
    assert 'href="/offices/edmonds/"' in svg and 'href="/offices/spokane/"' in svg
    assert "/offices/online/" not in svg  # no coordinates, not on the map
    assert not re.search(r"<script(?![^>]*\bsrc=)", page) and " style=" not in page  # nothing inline (CSP)
    assert "http" not in svg  # nothing fetched from elsewhere


def test_an_office_page_shows_its_directions_its_week_its_counselors_and_a_small_map(visitor, mapped, dana):
    page = visitor.get("/offices/edmonds/").content.decode()
    assert "Park behind the building" in page
    assert "Sunday</th>" in page
    assert "Dana Reyes, MA, LMHCA" in page
    assert "map-marker is-current" in page


def test_the_offices_page_says_open_now_by_each_offices_clock(visitor, edmonds):
    new_york = LocationFactory(name="Albany", slug="albany", time_zone="America/New_York")
    OpeningHours.objects.create(location=new_york, weekday=0, opens=time(9), closes=time(12))
    # Monday 7 December 2026, 17:30 UTC: 9:30 at Edmonds (open 8 to 8), 12:30 in Albany (closed at noon).
    with time_machine.travel(datetime(2026, 12, 7, 17, 30, tzinfo=UTC), tick=False):
        page = visitor.get("/offices/").content.decode()
    cards = dict(re.findall(r'href="/offices/([a-z-]+)/">.*?<p class="today">(.*?)</p>', page, re.S))
    assert "Open now</span> until 8:00 PM" in cards["edmonds"]
    assert "Closed now" in cards["albany"]


def test_an_unknown_office_is_a_404(visitor, db):
    assert visitor.get("/offices/nowhere/").status_code == 404


# ---------------------------------------------------------------- finding a counselor


def test_the_directory_combines_office_specialty_and_online(visitor, dana, owen):
    page = visitor.get("/counselors/", {"location": "edmonds", "specialty": "couples-counseling", "online": "on"})
    text = page.content.decode()
    assert "Dana Reyes" in text and "Owen Park" not in text
    assert "Accepting new clients" in text
    assert 'class="counselor-photo counselor-initials' in text and ">DR<" in text  # no photo: her initials


def test_the_directory_shows_a_photo_with_its_size_alt_text_and_lazy_loading(visitor, dana, media):
    profile = CounselorProfile.objects.get(user=dana)
    profile.photo.save("dana.jpg", ContentFile(_jpeg()))
    text = visitor.get("/counselors/").content.decode()
    tag = re.search(r'<img class="counselor-photo"[^>]*>', text).group(0)
    assert 'src="/counselors/dana-reyes/photo.jpg"' in tag
    assert 'width="96"' in tag and 'height="96"' in tag and 'loading="lazy"' in tag
    assert 'alt="Photo of Dana Reyes"' in tag


# ---------------------------------------------------------------- photos


def test_a_photo_is_served_from_storage_as_jpeg_with_a_cache_header(visitor, dana, media):
    CounselorProfile.objects.get(user=dana).photo.save("dana.jpg", ContentFile(_jpeg()))
    response = visitor.get("/counselors/dana-reyes/photo.jpg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "max-age" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == _jpeg()


def test_no_photo_or_a_counselor_the_public_does_not_see_is_a_404(visitor, dana, owen, media):
    assert visitor.get("/counselors/owen-park/photo.jpg").status_code == 404  # none
    CounselorProfile.objects.get(user=dana).photo.save("dana.jpg", ContentFile(_jpeg()))
    CounselorProfile.objects.filter(user=dana).update(on_leave=True)
    assert visitor.get("/counselors/dana-reyes/photo.jpg").status_code == 404
    assert visitor.get("/counselors/nobody/photo.jpg").status_code == 404


def test_a_photo_whose_file_is_gone_is_a_404_not_an_error(visitor, dana, media):
    CounselorProfile.objects.filter(user=dana).update(photo="counselor-photos/missing.jpg")
    assert visitor.get("/counselors/dana-reyes/photo.jpg").status_code == 404


# ---------------------------------------------------------------- requesting an appointment


@pytest.fixture
def general_request(edmonds) -> dict[str, str]:
    return {
        "preferred_location": str(edmonds.pk),
        "counselor": "",
        "specialty": "",
        "preferred_times": "Weekday evenings",
        "names": "Robin and Sky Lee",
        "email": "robin@example.test",
        "phone": "",
        "note": "We keep arguing about money.",
        "website": "",
    }


def test_a_visitor_requests_an_appointment_without_a_counselor_and_sees_a_confirmation(
    visitor, dana, general_request, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = visitor.post("/request-an-appointment/", general_request)
    assert response.status_code == 302 and response.url == "/request-an-appointment/sent/"
    intake = IntakeRequest.objects.get()
    assert (intake.counselor, intake.names, intake.note) == (None, "Robin and Sky Lee", "We keep arguing about money.")
    confirmation = visitor.get(response.url).content.decode()
    assert "your request is with our front desk" in confirmation
    assert "money" not in confirmation
    for message in mail.outbox:
        assert "money" not in message.body and all("money" not in str(alt[0]) for alt in message.alternatives)


def test_a_visitor_may_name_a_counselor_and_the_link_from_a_profile_preselects_them(visitor, dana, general_request):
    page = visitor.get("/request-an-appointment/", {"counselor": "dana-reyes"}).content.decode()
    assert re.search(r'<option value="dana-reyes" selected>', page)
    assert visitor.post("/request-an-appointment/", {**general_request, "counselor": "dana-reyes"}).status_code == 302
    assert IntakeRequest.objects.get().counselor == dana


def test_a_counselor_not_taking_new_clients_cannot_be_picked(visitor, dana, general_request):
    CounselorProfile.objects.filter(user=dana).update(is_accepting_new_clients=False)
    response = visitor.post("/request-an-appointment/", {**general_request, "counselor": "dana-reyes"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not IntakeRequest.objects.exists()


def test_the_general_request_has_the_honeypot_and_shares_the_hourly_limit(visitor, dana, general_request):
    from scheduling.views import INTAKE_RATE_LIMIT

    assert visitor.post("/request-an-appointment/", {**general_request, "website": "x"}).status_code == 302
    assert not IntakeRequest.objects.exists()
    for _ in range(INTAKE_RATE_LIMIT - 1):
        assert visitor.post("/request-an-appointment/", general_request).status_code == 302
    assert visitor.post("/request-an-appointment/", general_request).status_code == 429


def test_a_request_missing_the_email_names_the_field(visitor, dana, general_request):
    response = visitor.post("/request-an-appointment/", {**general_request, "email": ""})
    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()


# ---------------------------------------------------------------- query counts

QUERIES = {
    # the find form's offices and specialties
    "/": 2,
    # the active offices, their opening hours
    "/offices/": 2,
    # every active office and its hours (for the map); the office's counselors, their offices, their specialties
    "/offices/edmonds/": 5,
    # the filter form's offices and specialties; the counselors, their offices, their specialties
    "/counselors/": 5,
    # the form's offices and counselors taking new clients, its specialties
    "/request-an-appointment/": 3,
}


def _grow(count: int, edmonds: Location) -> None:
    """`count` more counselors at Edmonds, each with a photo and two specialties, and as many offices."""
    made = User.objects.count()
    specialties = list(Specialty.objects.order_by("name")[:2])
    users = User.objects.bulk_create(
        User(email=f"grown{made + i}@practice.test", full_name=f"Grown Counselor {made + i}", role=Role.COUNSELOR)
        for i in range(count)
    )
    profiles = CounselorProfile.objects.bulk_create(
        CounselorProfile(
            user=user, slug=f"grown-{user.pk}", credentials="LMHC", photo=f"counselor-photos/{user.pk}.jpg"
        )
        for user in users
    )
    offices = Location.objects.bulk_create(
        Location(name=f"Grown {made + i}", slug=f"grown-{made + i}", latitude=47 + i / 100, longitude=-122)
        for i in range(count)
    )
    OpeningHours.objects.bulk_create(
        OpeningHours(location=office, weekday=day, opens=time(9), closes=time(17))
        for office in offices
        for day in range(5)
    )
    for profile, office in zip(profiles, offices, strict=True):
        profile.locations.add(edmonds, office)
        profile.specialties.add(*specialties)


@pytest.mark.parametrize("url", list(QUERIES))
def test_the_public_pages_cost_the_same_queries_for_3_and_30_counselors(url, visitor, dana, edmonds):
    counts = []
    for size in (3, 27):
        _grow(size, edmonds)
        visitor.get(url)  # warm per-process caches
        with CaptureQueriesContext(connection) as captured:
            response = visitor.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts == [QUERIES[url], QUERIES[url]], counts


@pytest.mark.parametrize("url", ["/", "/offices/", "/counselors/", "/request-an-appointment/"])
def test_the_public_pages_stay_light(url, visitor, dana, edmonds):
    _grow(30, edmonds)
    assert len(visitor.get(url).content) < 100_000


# ---------------------------------------------------------------- the demo practice


@pytest.fixture
def demo(db, media):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())


def test_the_demo_offices_are_on_the_map_with_directions_and_the_counselors_have_photos(demo, visitor):
    in_person = Location.objects.exclude(kind="online")
    assert not in_person.filter(latitude__isnull=True).exists()
    assert not Location.objects.filter(directions="").exists()
    for location in in_person:  # in Washington
        assert 45.5 < location.latitude < 49 and -124.8 < location.longitude < -116.9
    for profile in CounselorProfile.objects.all():
        response = visitor.get(f"/counselors/{profile.slug}/photo.jpg")
        assert response.status_code == 200
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert image.format == "JPEG"
    page = visitor.get("/offices/").content.decode()
    assert page.count('class="map-marker') == in_person.count()


def test_loading_the_demo_again_adds_no_photo_file(demo, media):
    from io import StringIO

    from django.core.management import call_command

    files = sorted(p.name for p in (media / "counselor-photos").iterdir())
    call_command("load_demo", stdout=StringIO())
    assert sorted(p.name for p in (media / "counselor-photos").iterdir()) == files
