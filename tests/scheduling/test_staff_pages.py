"""Staff pages: locations, schedules, booking, series, requests and the calendar."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Couple, Role, User
from portal import paging
from scheduling import services, slots
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    IntakeRequest,
    IntakeStatus,
    Location,
    OpeningHours,
    PracticeSettings,
    TimeOff,
    WorkingHours,
)
from tests.factories import CoupleFactory
from tests.scheduling.helpers import at

# ---------------------------------------------------------------- locations


def test_an_admin_adds_a_location_with_its_opening_hours(as_user, practice_admin):
    response = as_user(practice_admin).post(
        "/locations/new/",
        {
            "name": "Bothell",
            "slug": "bothell",
            "kind": "in_person",
            "address_line1": "10116 Main St",
            "city": "Bothell",
            "state": "WA",
            "postal_code": "98011",
            "phone": "(425) 939-7959",
            "time_zone": "America/Los_Angeles",
            "opening_hours": "Mon 09:00-12:00, 13:00-18:00\nSat 10:00-14:00",
        },
    )
    assert response.status_code == 302
    bothell = Location.objects.get(slug="bothell")
    assert list(bothell.opening_hours.values_list("weekday", flat=True)) == [0, 0, 5]


def test_opening_hours_that_overlap_are_refused_with_a_message(as_user, practice_admin, edmonds):
    response = as_user(practice_admin).post(
        f"/locations/{edmonds.pk}/edit/",
        {
            "name": "Edmonds",
            "slug": "edmonds",
            "kind": "in_person",
            "state": "WA",
            "time_zone": "America/Los_Angeles",
            "opening_hours": "Mon 09:00-13:00, 12:00-18:00",
        },
    )
    assert response.status_code == 400
    assert "overlap" in response.content.decode()
    assert OpeningHours.objects.filter(location=edmonds, weekday=0).count() == 1


def test_an_admin_deactivates_a_location(as_user, practice_admin, edmonds):
    as_user(practice_admin).post(f"/locations/{edmonds.pk}/toggle/")
    edmonds.refresh_from_db()
    assert edmonds.is_active is False


def test_a_counselor_cannot_open_the_location_pages(as_user, counselor, edmonds):
    assert as_user(counselor).get(f"/locations/{edmonds.pk}/edit/").status_code == 404


# ---------------------------------------------------------------- schedules


def test_a_counselor_sets_their_own_working_hours(as_user, dana, edmonds):
    response = as_user(dana).post(
        f"/schedules/{dana.pk}/", {"form": "hours", "location": edmonds.pk, "d2_0_start": "10:00", "d2_0_end": "16:00"}
    )
    assert response.status_code == 302
    assert list(WorkingHours.objects.filter(counselor=dana, location=edmonds).values_list("weekday", flat=True)) == [2]


def test_a_counselor_cannot_open_another_counselors_schedule(as_user, dana, owen):
    assert as_user(dana).get(f"/schedules/{owen.pk}/").status_code == 404


def test_an_admin_adds_time_off_for_a_counselor(as_user, practice_admin, dana, tuesday):
    as_user(practice_admin).post(
        f"/schedules/{dana.pk}/",
        {"form": "time_off", "starts_on": tuesday.isoformat(), "ends_on": tuesday.isoformat(), "reason": "Training"},
    )
    assert TimeOff.objects.get(counselor=dana).starts_on == tuesday


def test_time_off_over_booked_sessions_lists_them_and_asks_first(as_user, practice_admin, book, dana, tuesday):
    book(tuesday, "10:00")
    client = as_user(practice_admin)
    off = {"form": "time_off", "starts_on": tuesday.isoformat(), "ends_on": tuesday.isoformat(), "reason": "Training"}
    response = client.post(f"/schedules/{dana.pk}/", off)
    html = response.content.decode()
    assert response.status_code == 409 and not TimeOff.objects.exists()
    assert "10:00 AM" in html and 'name="confirm_booked"' in html
    assert client.post(f"/schedules/{dana.pk}/", {**off, "confirm_booked": "1"}).status_code == 302
    assert TimeOff.objects.get(counselor=dana).starts_on == tuesday


def test_a_counselor_edits_their_public_profile(as_user, dana, edmonds):
    as_user(dana).post(
        f"/schedules/{dana.pk}/",
        {"form": "profile", "credentials": "PhD", "bio": "Hello.", "locations": [edmonds.pk], "sees_online": ""},
    )
    dana.counselor_profile.refresh_from_db()
    assert dana.counselor_profile.credentials == "PhD"


# ---------------------------------------------------------------- booking


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_the_booking_page_offers_the_counselors_free_times(as_user, practice_admin, dana, edmonds, couple, tuesday):
    page = as_user(practice_admin).get(
        "/appointments/book/",
        {"who": f"couple-{couple.pk}", "counselor": dana.pk, "location": edmonds.pk, "week": tuesday.isoformat()},
    )
    assert page.status_code == 200
    assert f"start={_utc(at(tuesday, '09:00'))}" in page.content.decode()


def _hidden_inputs(html: str) -> dict[str, str]:
    return {
        k: v
        for k, v in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
        if k != "csrfmiddlewaretoken"
    }


def test_the_booking_page_keeps_the_free_times_after_an_error(as_user, dana, edmonds, couple, tuesday):
    client = as_user(dana)
    # A link tampered with to a time outside Dana's hours: refused, and that week's free times are offered.
    chosen = {"who": f"couple-{couple.pk}", "counselor": dana.pk, "location": edmonds.pk}
    page = client.get("/appointments/book/", {**chosen, "start": _utc(at(tuesday, "18:00"))}).content.decode()
    response = client.post("/appointments/book/", _hidden_inputs(page))
    html = response.content.decode()
    assert response.status_code == 400 and "Dana Reyes does not work at Edmonds then." in html
    assert "Pick another time" in html and "Book it anyway" not in html  # only admins override the hours
    assert f"start={_utc(at(tuesday, '09:00'))}" in html
    assert not Appointment.objects.exists()


def test_an_admin_books_a_free_slot_for_a_couple(as_user, practice_admin, dana, edmonds, couple, tuesday):
    response = as_user(practice_admin).post(
        "/appointments/book/",
        {
            "who": f"couple-{couple.pk}",
            "counselor": dana.pk,
            "location": edmonds.pk,
            "duration_minutes": 50,
            "start": _utc(at(tuesday, "10:00")),
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.get().start == at(tuesday, "10:00")


def test_booking_a_taken_slot_answers_409_naming_the_conflict(as_user, practice_admin, book, dana, edmonds, tuesday):
    book(tuesday, "10:00")
    other = CoupleFactory(primary_counselor=dana)
    response = as_user(practice_admin).post(
        "/appointments/book/",
        {
            "who": f"couple-{other.pk}",
            "counselor": dana.pk,
            "location": edmonds.pk,
            "duration_minutes": 50,
            "start": _utc(at(tuesday, "10:30")),
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert f"Dana Reyes has another session at 10:00 on {tuesday:%a %-d %b}; pick another time." in html
    assert f"start={_utc(at(tuesday, '11:00'))}" in html  # the free times of that week are still offered
    assert Appointment.objects.count() == 1


def test_an_admin_books_outside_the_hours_only_with_a_reason(as_user, practice_admin, dana, edmonds, couple, tuesday):
    form = {
        "who": f"couple-{couple.pk}",
        "counselor": dana.pk,
        "location": edmonds.pk,
        "duration_minutes": 50,
        "day": tuesday.isoformat(),
        "time": "18:00",
    }
    client = as_user(practice_admin)
    confirm = client.get("/appointments/book/", form).content.decode()
    assert _hidden_inputs(confirm)["start"] == _utc(at(tuesday, "18:00"))
    refused = client.post("/appointments/book/", _hidden_inputs(confirm))
    assert refused.status_code == 400 and "Book it anyway" in refused.content.decode()
    response = client.post(
        "/appointments/book/", {**_hidden_inputs(confirm), "override_hours_reason": "Only evening works"}
    )
    assert response.status_code == 302
    assert Appointment.objects.get().hours_override_reason == "Only evening works"


def test_a_counselor_cannot_book_for_another_counselor(as_user, dana, owen, edmonds, couple, tuesday):
    response = as_user(dana).post(
        "/appointments/book/",
        {
            "who": f"couple-{couple.pk}",
            "counselor": owen.pk,
            "location": edmonds.pk,
            "duration_minutes": 50,
            "start": _utc(at(tuesday, "10:00")),
        },
    )
    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_a_series_with_a_taken_date_lists_it_and_books_nothing(as_user, practice_admin, book, dana, edmonds, tuesday):
    book(tuesday + timedelta(weeks=2), "10:00")
    other = CoupleFactory(primary_counselor=dana)
    response = as_user(practice_admin).post(
        "/appointments/series/",
        {
            "counselor": dana.pk,
            "location": edmonds.pk,
            "couple": other.pk,
            "first_day": tuesday.isoformat(),
            "start_time": "10:00",
            "duration_minutes": 50,
            "interval_weeks": 1,
            "count": 4,
        },
    )
    assert response.status_code == 409
    assert f"{tuesday + timedelta(weeks=2):%A, %B %-d, %Y}" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_cancelling_less_than_a_day_ahead_is_flagged_late(as_user, practice_admin, book, tuesday):
    appointment = book(tuesday, "10:00")
    Appointment.objects.filter(pk=appointment.pk).update(
        start=timezone.now() + timedelta(hours=3), end=timezone.now() + timedelta(hours=4)
    )
    as_user(practice_admin).post(f"/appointments/{appointment.pk}/cancel/", {"reason": "Sick"})
    appointment.refresh_from_db()
    assert (appointment.status, appointment.late_cancellation) == (AppointmentStatus.CANCELLED, True)


def test_a_counselor_reschedules_with_a_reason_kept_in_the_history(as_user, dana, book, tuesday):
    appointment = book(tuesday, "10:00")
    as_user(dana).post(
        f"/appointments/{appointment.pk}/reschedule/",
        {"day": tuesday.isoformat(), "start_time": "14:00", "reason": "Couple asked"},
    )
    appointment.refresh_from_db()
    assert appointment.start == at(tuesday, "14:00")
    assert appointment.changes.last().reason == "Couple asked"


def test_a_client_sees_their_counselors_free_times(as_user, partner, dana, tuesday):
    page = as_user(partner).get("/appointments/request/", {"from": tuesday.isoformat()})
    assert at(tuesday, "09:00").isoformat() in page.content.decode()


def test_a_client_requests_a_slot_and_the_counselor_confirms_it(as_user, partner, dana, edmonds, tuesday):
    as_user(partner).post("/appointments/request/", {"slot": at(tuesday, "11:00").isoformat(), "location": edmonds.pk})
    appointment = Appointment.objects.get()
    assert appointment.status == AppointmentStatus.REQUESTED
    as_user(dana).post(f"/appointments/{appointment.pk}/confirm/")
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


def test_a_client_confirms_the_chosen_time_with_an_optional_note_before_it_is_sent(
    as_user, partner, dana, edmonds, tuesday
):
    client = as_user(partner)
    listing = client.get("/appointments/request/", {"from": tuesday.isoformat()}).content.decode()
    assert 'method="post" class="inline"' not in listing  # one tap on a time sends nothing
    chosen = {"slot": at(tuesday, "11:00").isoformat(), "location": edmonds.pk}
    step = client.get("/appointments/request/", chosen).content.decode()
    assert "11:00 AM" in step and 'name="note"' in step and "Send the request" in step
    assert not Appointment.objects.exists()
    client.post("/appointments/request/", {**chosen, "note": "Mornings suit us"})
    assert Appointment.objects.get().status == AppointmentStatus.REQUESTED


def test_the_appointments_page_lists_each_request_with_its_date(as_user, partner, dana, edmonds, tuesday):
    as_user(partner).post("/appointments/request/", {"slot": at(tuesday, "11:00").isoformat(), "location": edmonds.pk})
    html = as_user(dana).get("/appointments/").content.decode()
    requests = html[html.index("Requests waiting for an answer") : html.index('id="upcoming-heading"')]
    assert tuesday.strftime("%a %b %-d") in requests


def test_the_counselor_directory_has_no_skipped_heading_level(client, dana):
    html = client.get("/counselors/").content.decode()
    levels = [int(n) for n in re.findall(r"<h([1-6])", html)]
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_a_client_sees_no_free_times_when_the_practice_takes_requests_by_phone(as_user, partner, dana, tuesday):
    PracticeSettings.objects.update_or_create(pk=1, defaults={"clients_may_request": False})
    page = as_user(partner).get("/appointments/request/", {"from": tuesday.isoformat()}).content.decode()
    assert "please call the front desk" in page
    assert at(tuesday, "09:00").isoformat() not in page


def test_a_client_never_sees_the_staff_note(as_user, partner, book, tuesday):
    appointment = book(tuesday, "10:00", staff_note="Discussed finances")
    assert "Discussed finances" not in as_user(partner).get(f"/appointments/{appointment.pk}/").content.decode()


def test_an_admin_turns_an_intake_request_into_an_appointment(as_user, practice_admin, dana, edmonds, tuesday):
    intake = services.intake_request_create(names="Jamie Moore", email="jamie@example.test", counselor=dana)
    response = as_user(practice_admin).post(
        f"/intake-requests/{intake.pk}/",
        {
            "counselor": dana.pk,
            "location": edmonds.pk,
            "slot": at(tuesday, "09:00").isoformat(),
            "duration_minutes": 50,
            "kind": "intake",
        },
    )
    assert response.status_code == 302
    assert Appointment.objects.get().intake_names == "Jamie Moore"
    assert IntakeRequest.objects.get().status == IntakeStatus.SCHEDULED


def test_a_free_time_on_the_intake_page_books_at_its_own_office(as_user, practice_admin, dana, edmonds, online_office):
    intake = services.intake_request_create(names="Jamie Moore", email="jamie@example.test", counselor=dana)
    today = timezone.localdate()
    thursday = today + timedelta(days=(3 - today.weekday()) % 7 + 7)  # within the page's two weeks
    page = as_user(practice_admin).get(f"/intake-requests/{intake.pk}/").content.decode()
    choice = f"{dana.pk}|{online_office.pk}|{at(thursday, '09:00').isoformat()}"
    assert f'value="{choice}"' in page
    response = as_user(practice_admin).post(
        f"/intake-requests/{intake.pk}/",
        {"location": edmonds.pk, "slot_choice": choice, "duration_minutes": 50, "kind": "intake"},
    )
    assert response.status_code == 302
    assert Appointment.objects.get().location == online_office


def test_the_intake_page_folds_the_free_times_into_one_section_a_day(as_user, practice_admin, dana):
    intake = services.intake_request_create(names="Jamie Moore", email="jamie@example.test", counselor=dana)
    page = as_user(practice_admin).get(f"/intake-requests/{intake.pk}/").content.decode()
    today = timezone.localdate()
    found = slots.free_slots(counselor=dana, date_from=today, date_to=today + timedelta(days=13))
    # Two weeks of Dana's Tuesdays and Thursdays, the first day open.
    assert page.count('<details class="manage slot-day"') == len({slot.start.date() for slot in found}) >= 3
    assert page.count('<details class="manage slot-day" open>') == 1


# ---------------------------------------------------------------- calendar


def test_the_week_view_shows_times_in_the_viewers_time_zone(as_user, practice_admin, book, dana, tuesday):
    book(tuesday, "10:00")
    practice_admin.time_zone = "America/New_York"
    practice_admin.save()
    page = as_user(practice_admin).get("/calendar/", {"counselor": dana.pk, "date": tuesday.isoformat()})
    assert "1:00 PM–1:50 PM" in page.content.decode()


def test_staff_see_that_the_client_confirmed_they_will_be_there(as_user, dana, book, tuesday):
    appointment = book(tuesday, "10:00")
    Appointment.objects.filter(pk=appointment.pk).update(client_confirmed_at=timezone.now())
    client = as_user(dana)
    detail = client.get(f"/appointments/{appointment.pk}/").content.decode()
    calendar = client.get("/calendar/", {"counselor": dana.pk, "date": tuesday.isoformat()}).content.decode()
    assert "The client confirmed they will be there" in detail
    assert "Confirmed by the client" in calendar


def _fill_week(n, dana, edmonds, monday):
    """n more confirmed 30-minute sessions of Dana's from `monday` 00:00 on, back to back, a different couple each.

    Written with bulk_create: this measures reading, and a week holds more
    than Dana's working hours would let the services book.
    """
    made = Appointment.objects.filter(counselor=dana).count()
    numbers = range(made, made + n)
    clients = User.objects.bulk_create(
        User(email=f"client{number}-{side}@example.test", full_name=f"Client {number}{side}", role=Role.CLIENT)
        for number in numbers
        for side in "ab"
    )
    couples = Couple.objects.bulk_create(
        Couple(partner_one=first, partner_two=second, primary_counselor=dana)
        for first, second in zip(clients[::2], clients[1::2], strict=True)
    )
    first_start = at(monday, "00:00")
    Appointment.objects.bulk_create(
        Appointment(
            counselor=dana,
            location=edmonds,
            couple=couple,
            status=AppointmentStatus.CONFIRMED,
            start=first_start + timedelta(minutes=30 * number),
            end=first_start + timedelta(minutes=30 * number + 30),
        )
        for number, couple in zip(numbers, couples, strict=True)
    )


# Measured: session, user, the 2FA check, the unread-notifications count in the
# header, then the calendar: the counselor asked for and the locations for the
# pickers and the appointments (everything shown joined in), and for the time
# grid the counselors' working hours, their offices' opening hours and their time off;
# the admin's list: the locations for its filter, the page, requests and cancelled
# (one query each). Raise only with a reason.
CALENDAR_QUERIES = 10
LIST_QUERIES = 8


@pytest.mark.parametrize(("url", "pinned"), [("/calendar/", CALENDAR_QUERIES), ("/appointments/", LIST_QUERIES)])
def test_query_count_is_the_same_for_10_and_200_appointments(
    url, pinned, as_user, practice_admin, dana, edmonds, tuesday
):
    client = as_user(practice_admin)
    monday = tuesday - timedelta(days=1)
    params = {"date": monday.isoformat(), "counselor": dana.pk} if url == "/calendar/" else {"date": monday}
    shown_of_200 = 200 if url == "/calendar/" else paging.PAGE_SIZE  # the list is paged, the week is not
    _fill_week(10, dana, edmonds, monday)
    client.get(url, params)  # warm up per-process caches
    with CaptureQueriesContext(connection) as ten:
        assert client.get(url, params).content.decode().count('class="appointment ') == 10
    _fill_week(190, dana, edmonds, monday)
    with CaptureQueriesContext(connection) as two_hundred:
        assert client.get(url, params).content.decode().count('class="appointment ') == shown_of_200
    assert len(ten) == len(two_hundred) == pinned, "\n".join(q["sql"][:150] for q in two_hundred.captured_queries)
