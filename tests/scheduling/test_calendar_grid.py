"""The staff calendar as a time grid: who sees which columns, statuses in words,
time off and closed hours shaded, free half hours linking to the booking page
with their UTC start, the empty week that opens on the first week with
appointments, the phone's list order, and queries that do not grow with the week."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from accounts.models import Couple, Role, User
from scheduling.calendar_grid import free_cells
from scheduling.models import Appointment, AppointmentStatus, TimeOff
from tests.scheduling.helpers import at

CSS = Path(__file__).resolve().parents[2] / "static" / "css" / "calendar.css"


def _columns(response) -> list[str]:
    return [column.spec.title for column in response.context["grid"].columns]


def _book_link(counselor: User, location, start) -> str:
    return (
        f"/appointments/book/?counselor={counselor.pk}&amp;location={location.pk}&amp;start={start:%Y-%m-%dT%H:%M:%SZ}"
    )


def _owen_session(owen, edmonds, other_couple, day, clock="11:00") -> Appointment:
    start = at(day, clock)
    return Appointment.objects.create(
        counselor=owen, location=edmonds, couple=other_couple, start=start, end=start + timedelta(minutes=50)
    )


# ---------------------------------------------------------------- scoping


def test_a_counselor_sees_their_own_column_only(as_user, dana, owen, edmonds, book, other_couple, tuesday):
    own = book(tuesday, "10:00")
    theirs = _owen_session(owen, edmonds, other_couple, tuesday)
    response = as_user(dana).get("/calendar/", {"view": "day", "date": tuesday.isoformat(), "location": "edmonds"})
    html = response.content.decode()
    assert _columns(response) == ["Dana Reyes"]
    assert f"/appointments/{own.pk}/" in html
    assert f"/appointments/{theirs.pk}/" not in html
    assert "Jo Diaz" not in html


def test_the_admins_day_has_a_column_for_each_counselor_working_at_the_office(
    as_user, practice_admin, dana, owen, edmonds, online_office, book, other_couple, tuesday
):
    dana_here = book(tuesday, "10:00")
    owen_here = _owen_session(owen, edmonds, other_couple, tuesday)
    online = book(tuesday + timedelta(days=2), "10:00", location=online_office)
    response = as_user(practice_admin).get("/calendar/", {"date": tuesday.isoformat(), "location": "edmonds"})
    html = response.content.decode()
    assert response.context["view"] == "day"
    assert _columns(response) == ["Dana Reyes", "Owen Park"]
    assert f"/appointments/{dana_here.pk}/" in html and f"/appointments/{owen_here.pk}/" in html
    assert f"/appointments/{online.pk}/" not in html
    # Nobody works at Edmonds on Wednesdays: no columns, and a sentence saying so.
    wednesday = as_user(practice_admin).get(
        "/calendar/", {"date": (tuesday + timedelta(days=1)).isoformat(), "location": "edmonds"}
    )
    assert _columns(wednesday) == []
    assert "No counselor works at Edmonds" in wednesday.content.decode()


def test_the_admins_day_of_another_office_leaves_edmonds_counselors_out(
    as_user, practice_admin, dana, owen, online_office, tuesday
):
    thursday = tuesday + timedelta(days=2)
    response = as_user(practice_admin).get("/calendar/", {"date": thursday.isoformat(), "location": "online"})
    assert _columns(response) == ["Dana Reyes"]  # Owen works at Edmonds only


@pytest.mark.parametrize(
    ("who", "params"),
    [
        ("practice_admin", {"location": "nowhere"}),
        ("practice_admin", {"counselor": "client"}),
        ("practice_admin", {"counselor": "not-a-number"}),
        ("dana", {"counselor": "owen"}),
        ("partner", {}),
    ],
)
def test_filters_out_of_scope_are_a_404(who, params, request, as_user, dana, owen, partner, practice_admin):
    named = {"client": str(partner.pk), "owen": str(owen.pk)}
    query = {key: named.get(value, value) for key, value in params.items()}
    assert as_user(request.getfixturevalue(who)).get("/calendar/", query).status_code == 404


# ---------------------------------------------------------------- what a block says


def test_each_status_is_said_in_words(as_user, dana, book, tuesday, couple):
    requested = book(tuesday, "09:00")
    client_confirmed = book(tuesday, "10:00")
    late = book(tuesday, "11:00")
    completed = book(tuesday, "13:00")
    no_show = book(tuesday, "14:00")
    Appointment.objects.filter(pk=requested.pk).update(status=AppointmentStatus.REQUESTED)
    Appointment.objects.filter(pk=client_confirmed.pk).update(client_confirmed_at=timezone.now())
    Appointment.objects.filter(pk=late.pk).update(
        status=AppointmentStatus.CANCELLED, cancelled_at=timezone.now(), late_cancellation=True
    )
    Appointment.objects.filter(pk=completed.pk).update(status=AppointmentStatus.COMPLETED)
    Appointment.objects.filter(pk=no_show.pk).update(status=AppointmentStatus.NO_SHOW)
    confirmed = book(tuesday, "15:00")
    html = as_user(dana).get("/calendar/", {"view": "day", "date": tuesday.isoformat()}).content.decode()
    for appointment, words in [
        (requested, "Requested, to confirm"),
        (client_confirmed, "Confirmed by the client"),
        (late, "Late-cancelled"),
        (completed, "Completed"),
        (no_show, "No-show"),
        (confirmed, "Confirmed"),
    ]:
        block = re.search(rf'href="/appointments/{appointment.pk}/" title="[^"]*">(.*?)</a>', html, re.S)
        assert block is not None
        assert f'<span class="cal-status">{words}</span>' in block.group(1)
        assert escape(couple.display_name) in block.group(1)
    assert re.search(r'class="cal-body rows-\d+ lanes-1-1"', html)  # the cancellation in a narrow lane beside
    # The late cancellation no longer holds the hour: it is free to book again.
    assert _book_link(dana, dana.working_hours.get(weekday=1).location, at(tuesday, "11:00").astimezone(UTC)) in html


# ---------------------------------------------------------------- shading


def test_time_off_shades_the_day_and_offers_nothing_to_book(as_user, dana, edmonds, tuesday):
    TimeOff.objects.create(counselor=dana, starts_on=tuesday, ends_on=tuesday)
    response = as_user(dana).get("/calendar/", {"date": tuesday.isoformat(), "location": "edmonds"})
    tuesday_column = next(c for c in response.context["grid"].columns if c.spec.day == tuesday)
    assert [(item.kind, item.label) for item in tuesday_column.items] == [("off", "Time off")]
    assert "/appointments/book/?" not in response.content.decode()


def test_hours_outside_the_office_and_the_counselor_are_shaded_and_labelled(as_user, dana, edmonds, tuesday):
    response = as_user(dana).get("/calendar/", {"date": tuesday.isoformat(), "location": "edmonds"})
    columns = {c.spec.day.weekday(): c for c in response.context["grid"].columns}
    # Edmonds opens 8:00-20:00 Monday to Saturday; Dana works there on Tuesdays 9:00-17:00.
    assert response.context["grid"].first_minute == 8 * 60 and response.context["grid"].last_minute == 20 * 60
    assert [item.label for item in columns[6].items] == ["Closed"]
    assert [item.label for item in columns[0].items] == ["Not working"]
    tuesday_kinds = [(item.kind, item.label) for item in columns[1].items]
    assert tuesday_kinds[0] == ("off", "Not working") and tuesday_kinds[-1] == ("off", "Not working")
    assert [kind for kind, _ in tuesday_kinds].count("free") == 16  # 9:00-17:00, half an hour each
    html = response.content.decode()
    assert '<span class="cal-off-label">Closed</span>' in html


# ---------------------------------------------------------------- booking from the grid


def test_a_free_half_hour_links_to_booking_with_its_utc_start(as_user, practice_admin, dana, edmonds, book, tuesday):
    book(tuesday, "10:00")  # 10:00-10:50 at Edmonds
    practice_admin.time_zone = "America/New_York"
    practice_admin.save()
    html = as_user(practice_admin).get("/calendar/", {"date": tuesday.isoformat(), "location": "edmonds"})
    html = html.content.decode()
    nine = at(tuesday, "09:00").astimezone(UTC)
    assert _book_link(dana, edmonds, nine) in html
    assert 'aria-label="Book 12:00 PM with Dana Reyes at Edmonds"' in html  # 9:00 in Edmonds is noon in New York
    assert _book_link(dana, edmonds, at(tuesday, "10:00").astimezone(UTC)) not in html
    assert _book_link(dana, edmonds, at(tuesday, "10:30").astimezone(UTC)) not in html
    assert _book_link(dana, edmonds, at(tuesday, "11:00").astimezone(UTC)) in html


def test_a_column_lists_its_times_in_order_for_the_tab_key_and_the_phone(as_user, dana, book, tuesday):
    session = book(tuesday, "10:00")
    html = as_user(dana).get("/calendar/", {"view": "day", "date": tuesday.isoformat()}).content.decode()
    nine = html.index('aria-label="Book 9:00 AM')
    assert nine < html.index(f"/appointments/{session.pk}/") < html.index('aria-label="Book 11:00 AM')
    css = CSS.read_text()
    assert "@media (max-width: 640px)" in css
    phone = css.split("@media (max-width: 640px)")[1]
    assert ".cal-grid { display: block; }" in phone and ".cal-body { display: block;" in phone
    for number in range(1, 97):
        assert f".row-start-{number} {{" in css and f".row-span-{number} {{" in css


# ---------------------------------------------------------------- the first week with appointments


def test_an_empty_week_opens_on_the_first_week_with_appointments(as_user, dana, book, tuesday):
    later = tuesday + timedelta(weeks=5)
    session = book(later, "10:00")
    response = as_user(dana).get("/calendar/")
    assert response.context["jumped"] is True
    assert response.context["anchor"] == later - timedelta(days=later.weekday())
    assert f"/appointments/{session.pk}/" in response.content.decode()
    asked = as_user(dana).get("/calendar/", {"date": timezone.localdate().isoformat()})
    assert asked.context["jumped"] is False
    assert f"/appointments/{session.pk}/" not in asked.content.decode()


def test_a_week_with_nothing_ahead_stays_put(as_user, dana):
    response = as_user(dana).get("/calendar/")
    today = timezone.localdate()
    assert response.context["jumped"] is False
    assert response.context["anchor"] == today - timedelta(days=today.weekday())


# ---------------------------------------------------------------- queries


def _fill(n: int, counselor: User, location, monday) -> None:
    """n more confirmed 20-minute sessions from Monday 00:00 on, back to back (bulk: this measures reading)."""
    made = Appointment.objects.filter(counselor=counselor).count()
    numbers = range(made, made + n)
    clients = User.objects.bulk_create(
        User(email=f"grid{number}-{side}@example.test", full_name=f"Client {number}{side}", role=Role.CLIENT)
        for number in numbers
        for side in "ab"
    )
    couples = Couple.objects.bulk_create(
        Couple(partner_one=first, partner_two=second, primary_counselor=counselor)
        for first, second in zip(clients[::2], clients[1::2], strict=True)
    )
    first_start = at(monday, "00:00")
    Appointment.objects.bulk_create(
        Appointment(
            counselor=counselor,
            location=location,
            couple=couple,
            start=first_start + timedelta(minutes=20 * number),
            end=first_start + timedelta(minutes=20 * number + 20),
        )
        for number, couple in zip(numbers, couples, strict=True)
    )


# Session, user, 2FA, the bell; the offices for the menu, the counselor asked for
# (or the office's counselors), the appointments, working hours, opening hours,
# time off; the first appointment ahead when no date is asked for.
@pytest.mark.parametrize(
    ("view", "params", "pinned"),
    [
        ("week", {"counselor": "dana"}, 10),
        ("day", {"location": "edmonds"}, 10),
        # an office's week has no counselor column: no hours or time off to read
        ("week", {"location": "edmonds"}, 8),
        ("week", {"counselor": "dana", "no_date": "1"}, 11),
    ],
)
def test_the_grid_costs_the_same_queries_for_10_and_500_appointments(
    view, params, pinned, as_user, practice_admin, dana, owen, edmonds, tuesday
):
    monday = tuesday - timedelta(days=1)
    query = {"view": view, "date": monday.isoformat()}
    query |= {key: str(dana.pk) if value == "dana" else value for key, value in params.items()}
    if query.pop("no_date", None):
        query.pop("date")
    client = as_user(practice_admin)
    _fill(10, dana, edmonds, monday)
    client.get("/calendar/", query)  # warm per-process caches
    with CaptureQueriesContext(connection) as ten:
        client.get("/calendar/", query)
    _fill(490, dana, edmonds, monday)
    with CaptureQueriesContext(connection) as five_hundred:
        html = client.get("/calendar/", query).content.decode()
    assert html.count('class="appointment ') == (500 if view == "week" else 72)  # Monday: 24 hours of 20 minutes
    assert len(ten) == len(five_hundred) == pinned, "\n".join(q["sql"][:120] for q in five_hundred.captured_queries)


def test_an_offices_week_sets_overlapping_sessions_side_by_side(
    as_user, practice_admin, dana, owen, edmonds, book, other_couple, tuesday
):
    ours = book(tuesday, "10:00")
    theirs = _owen_session(owen, edmonds, other_couple, tuesday, clock="10:30")
    response = as_user(practice_admin).get(
        "/calendar/", {"view": "week", "date": tuesday.isoformat(), "location": "edmonds"}
    )
    tuesday_column = next(c for c in response.context["grid"].columns if c.spec.day == tuesday)
    lanes = {item.appointment.pk: item.lane for item in tuesday_column.items if item.appointment}
    assert tuesday_column.lanes == 2 and lanes == {ours.pk: 1, theirs.pk: 2}
    html = response.content.decode()
    assert "with Dana Reyes" in html and "with Owen Park" in html
    assert "/appointments/book/?" not in html  # an office's week names no counselor to book with


def test_a_counselors_week_names_where_they_work_each_day(as_user, dana, tuesday):
    response = as_user(dana).get("/calendar/", {"view": "week", "date": tuesday.isoformat()})
    html = response.content.decode()
    places = {c.spec.day.weekday(): c.spec.place_names for c in response.context["grid"].columns}
    assert places == {0: "", 1: "Edmonds", 2: "", 3: "Online (WA only)", 4: "", 5: "", 6: ""}
    assert html.count('<span class="cal-sub">Not working</span>') == 5


@pytest.mark.parametrize(
    ("stretch", "cells"),
    [
        ((9 * 60, 10 * 60), [(540, 570), (570, 600)]),
        ((9 * 60 + 15, 10 * 60), [(555, 600)]),  # the odd quarter joins the next half hour
        ((9 * 60, 10 * 60 + 15), [(540, 570), (570, 615)]),
        ((9 * 60, 9 * 60 + 15), []),  # too short to book, too small to tap
    ],
)
def test_a_free_stretch_is_offered_in_half_hours(stretch, cells):
    assert free_cells(*stretch) == cells
