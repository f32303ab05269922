"""A counselor's weekly hours as rows of time pickers: what the rows may hold,
the errors that name the row, "Copy Monday to the whole week", and the
warnings after saving (hours when the office is closed; time off over
booked sessions)."""

from __future__ import annotations

import pytest

from scheduling.models import TimeOff, WorkingHours

HOURS = "/schedules/{}/"


def _post(client, counselor, location, **rows):
    return client.post(HOURS.format(counselor.pk), {"form": "hours", "location": location.pk, **rows})


def _saved(counselor, location):
    return [
        (h.weekday, f"{h.start:%H:%M}", f"{h.end:%H:%M}")
        for h in WorkingHours.objects.filter(counselor=counselor, location=location).order_by("weekday", "start")
    ]


def test_the_page_offers_time_pickers_with_the_hours_and_an_empty_row_a_day(as_user, dana, edmonds):
    html = as_user(dana).get(HOURS.format(dana.pk), {"location": edmonds.pk}).content.decode()
    assert 'type="time" name="d1_0_start" value="09:00"' in html and 'name="d1_0_end" value="17:00"' in html
    assert 'name="d1_1_start"' in html and 'name="d0_0_start"' in html  # one empty row for each day
    assert "Copy Monday to the whole week" in html and "js/hours.js" in html
    assert "<script>" not in html  # the behaviour is in a static file


def test_rows_are_saved_as_intervals_and_empty_rows_are_ignored(as_user, dana, edmonds):
    response = _post(
        as_user(dana),
        dana,
        edmonds,
        d0_0_start="09:00",
        d0_0_end="12:00",
        d0_1_start="13:00",
        d0_1_end="17:00",
        d0_2_start="",
        d0_2_end="",
        d4_5_start="10:00",
        d4_5_end="14:00",
    )
    assert response.status_code == 302 and response["Location"].endswith(f"?location={edmonds.pk}#hours-heading")
    assert _saved(dana, edmonds) == [(0, "09:00", "12:00"), (0, "13:00", "17:00"), (4, "10:00", "14:00")]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            {"d1_0_start": "12:00", "d1_0_end": "09:00"},
            "Tuesday, interval 1: the end (09:00) must come after the start (12:00).",
        ),
        (
            {"d1_0_start": "09:00", "d1_0_end": "13:00", "d1_1_start": "12:00", "d1_1_end": "17:00"},
            "Tuesday, interval 2 overlaps interval 1",
        ),
        (
            {"d2_0_start": "09:00", "d2_0_end": ""},
            "Wednesday, interval 1: give the end too, or clear both times to remove it.",
        ),
        ({"d3_0_start": "9 o'clock", "d3_0_end": "12:00"}, "Enter a valid time."),
    ],
)
def test_a_wrong_row_is_refused_with_an_error_naming_it(as_user, dana, edmonds, rows, message):
    response = _post(as_user(dana), dana, edmonds, **rows)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert _saved(dana, edmonds) == [(1, "09:00", "17:00")]  # unchanged


def test_hours_that_overlap_those_at_another_office_are_refused(as_user, dana, edmonds, online_office):
    response = _post(as_user(dana), dana, online_office, d1_0_start="10:00", d1_0_end="12:00")
    assert response.status_code == 400 and "overlap" in response.content.decode()


def test_copy_monday_fills_the_days_the_office_opens_without_saving(as_user, dana, edmonds):
    response = _post(as_user(dana), dana, edmonds, d0_0_start="08:30", d0_0_end="12:00", copy_monday="1")
    html = response.content.decode()
    assert response.status_code == 200 and "copied" in html
    # Edmonds opens Monday to Saturday: Saturday gets the copy, Sunday does not.
    assert 'name="d5_0_start" value="08:30"' in html and 'name="d6_0_start" value="08:30"' not in html
    assert _saved(dana, edmonds) == [(1, "09:00", "17:00")]


def test_saving_hours_outside_the_opening_hours_warns_but_saves(as_user, dana, edmonds):
    client = as_user(dana)
    response = _post(client, dana, edmonds, d1_0_start="07:00", d1_0_end="12:00", d6_0_start="10:00", d6_0_end="12:00")
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode().replace("&#x27;", "'")
    assert "Tuesday 07:00–12:00 is outside Edmonds's opening hours that day (08:00–20:00)" in html
    assert "Sunday 10:00–12:00: Edmonds is closed on Sundays" in html
    assert _saved(dana, edmonds) == [(1, "07:00", "12:00"), (6, "10:00", "12:00")]


def test_hours_inside_the_opening_hours_give_no_warning(as_user, dana, edmonds):
    client = as_user(dana)
    response = _post(client, dana, edmonds, d1_0_start="09:00", d1_0_end="12:00")
    assert "opening hours" not in client.get(response["Location"]).content.decode()


def test_another_office_is_edited_by_choosing_it_and_a_made_up_one_is_a_404(as_user, dana, edmonds, online_office):
    client = as_user(dana)
    html = client.get(HOURS.format(dana.pk), {"location": online_office.pk}).content.decode()
    assert f"Hours at {online_office.name}" in html and 'name="d3_0_start" value="09:00"' in html
    assert client.get(HOURS.format(dana.pk), {"location": "999999"}).status_code == 404
    assert client.get(HOURS.format(dana.pk), {"location": "x"}).status_code == 404


def test_time_off_over_booked_sessions_links_each_one(as_user, practice_admin, book, dana, tuesday):
    appointment = book(tuesday, "10:00")
    client = as_user(practice_admin)
    off = {"form": "time_off", "starts_on": tuesday.isoformat(), "ends_on": tuesday.isoformat()}
    html = client.post(HOURS.format(dana.pk), off).content.decode()
    assert f'href="/appointments/{appointment.pk}/"' in html and 'type="date"' in html
    assert not TimeOff.objects.exists()
