"""Booking in three steps on /appointments/book/: who, when (a week of free
times), confirm; what each step carries to the next, the calendar's link
that names the time, and what a refused booking shows."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from scheduling.models import Appointment, AppointmentKind
from tests.factories import ClientFactory, CoupleFactory
from tests.scheduling.helpers import NEW_YORK, at

BOOK = "/appointments/book/"


def _utc(moment) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _hidden(html: str) -> dict[str, str]:
    return {
        name: html_lib.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)
        if name != "csrfmiddlewaretoken"
    }


def _slot_links(html: str) -> list[dict[str, list[str]]]:
    return [
        parse_qs(urlsplit(html_lib.unescape(href)).query)
        for href in re.findall(r'class="slot-button" href="([^"]+)"', html)
    ]


# ---------------------------------------------------------------- step 1: who


def test_step_one_lists_only_the_couples_in_the_counselors_scope_with_their_e_mails(
    as_user, dana, couple, other_couple
):
    html = as_user(dana).get(BOOK).content.decode()
    assert "1. Who" in html and 'aria-current="step"' in html
    assert "Sam Lee &amp; Riley Lee" in html and "sam@example.test" in html
    assert other_couple.partner_one.email not in html
    assert f'value="couple-{couple.pk}"' in html and f'value="partner-{couple.partner_one_id}"' in html
    assert "Book a weekly series instead" in html


def test_step_one_without_a_choice_asks_again(as_user, practice_admin, couple):
    response = as_user(practice_admin).get(BOOK, {"step": "who"})
    assert response.status_code == 400 and "Choose who the appointment is for." in response.content.decode()


def test_an_intake_without_names_asks_for_them(as_user, practice_admin, couple):
    response = as_user(practice_admin).get(BOOK, {"step": "who", "who": "intake"})
    assert response.status_code == 400 and "Enter the names" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"who": "couple-999999"},
        {"who": "partner-999999"},
        {"who": "someone"},
        {"who": "couple-x"},
        {"counselor": "999999"},
        {"location": "abc"},
    ],
)
def test_ids_out_of_scope_or_made_up_are_a_404(as_user, practice_admin, couple, query):
    assert as_user(practice_admin).get(BOOK, query).status_code == 404


def test_a_counselor_cannot_name_another_counselors_couple(as_user, dana, other_couple):
    assert as_user(dana).get(BOOK, {"who": f"couple-{other_couple.pk}"}).status_code == 404


# ---------------------------------------------------------------- step 2: when


def test_step_two_carries_who_and_offers_a_weeks_free_times_as_links(as_user, dana, edmonds, couple, tuesday):
    html = (
        as_user(dana)
        .get(BOOK, {"who": f"couple-{couple.pk}", "location": edmonds.pk, "week": tuesday})
        .content.decode()
    )
    assert "2. When" in html and "For <strong>Sam Lee &amp; Riley Lee</strong>" in html
    links = _slot_links(html)
    assert links, html
    first = links[0]
    # The counselor is Dana herself, pre-set; every choice so far rides along.
    assert first["who"] == [f"couple-{couple.pk}"] and first["counselor"] == [str(dana.pk)]
    assert first["location"] == [str(edmonds.pk)] and first["week"] == [tuesday.isoformat()]
    assert first["start"] == [_utc(at(tuesday, "09:00"))]
    assert "Next week" in html and f"week={(tuesday + timedelta(days=7)).isoformat()}" in html


def test_step_two_costs_the_same_queries_for_a_quiet_week_and_a_busy_one(
    as_user, practice_admin, book, dana, edmonds, couple, tuesday
):
    client = as_user(practice_admin)
    query = {"who": f"couple-{couple.pk}", "counselor": dana.pk, "location": edmonds.pk, "week": tuesday}
    client.get(BOOK, query)
    with CaptureQueriesContext(connection) as quiet:
        assert client.get(BOOK, query).status_code == 200
    for hour in ("10:00", "12:00", "14:00"):
        book(tuesday, hour, couple=CoupleFactory(primary_counselor=dana))
    with CaptureQueriesContext(connection) as busy:
        html = client.get(BOOK, query).content.decode()
    assert f"start={_utc(at(tuesday, '10:00'))}" not in html
    assert len(quiet) == len(busy) == 17, "\n".join(q["sql"][:120] for q in busy.captured_queries)


# ---------------------------------------------------------------- step 3: confirm


def test_confirm_sums_up_in_the_viewers_time_zone_and_books(as_user, practice_admin, dana, edmonds, couple, tuesday):
    practice_admin.time_zone = "America/New_York"
    practice_admin.save(update_fields=["time_zone"])
    client = as_user(practice_admin)
    start = at(tuesday, "10:00")
    query = {"who": f"couple-{couple.pk}", "counselor": dana.pk, "location": edmonds.pk, "start": _utc(start)}
    html = client.get(BOOK, {**query, "duration_minutes": 60}).content.decode()
    assert "3. Confirm" in html
    assert "Sam Lee &amp; Riley Lee" in html and "Dana Reyes" in html and "Edmonds, 316 Main Street" in html
    assert f"{start.astimezone(NEW_YORK):%A} {start.day} " in html and "13:00–14:00 (America/New_York)" in html
    assert "10:00 PST" in html or "10:00 PDT" in html  # the office's own clock beside it
    assert "60 minutes" in html
    response = client.post(BOOK, {**_hidden(html), "staff_note": "First visit"})
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/appointments/{appointment.pk}/"
    assert appointment.end - appointment.start == timedelta(minutes=60) and appointment.staff_note == "First visit"
    assert AuditEvent.objects.filter(action="appointment.booked", target_id=str(appointment.pk)).exists()


def test_the_calendars_link_asks_only_who_then_confirms(as_user, practice_admin, dana, edmonds, couple, tuesday):
    client = as_user(practice_admin)
    start = _utc(at(tuesday, "11:00"))
    who_page = client.get(BOOK, {"counselor": dana.pk, "location": edmonds.pk, "start": start}).content.decode()
    assert "1. Who" in html_lib.unescape(who_page) and "with Dana Reyes at Edmonds" in who_page
    carried = _hidden(who_page)
    assert carried["start"] == start and carried["counselor"] == str(dana.pk) and carried["location"] == str(edmonds.pk)
    confirm = client.get(BOOK, {**carried, "who": f"couple-{couple.pk}"}).content.decode()
    assert "3. Confirm" in confirm
    assert client.post(BOOK, _hidden(confirm)).status_code == 302
    assert Appointment.objects.get().start == at(tuesday, "11:00")


def test_one_partner_and_an_intake_are_booked_through_the_same_steps(
    as_user, practice_admin, dana, edmonds, couple, tuesday
):
    client = as_user(practice_admin)
    base = {"counselor": dana.pk, "location": edmonds.pk}
    partner = {**base, "who": f"partner-{couple.partner_two_id}", "start": _utc(at(tuesday, "09:00"))}
    assert client.post(BOOK, partner).status_code == 302
    intake = {**base, "who": "intake", "intake_names": "Jamie and Pat", "start": _utc(at(tuesday, "11:00"))}
    assert "Intake: Jamie and Pat" in client.get(BOOK, intake).content.decode()
    assert client.post(BOOK, intake).status_code == 302
    one, two = Appointment.objects.order_by("start")
    assert one.kind == AppointmentKind.INDIVIDUAL_SESSION and one.individual_client_id == couple.partner_two_id
    assert one.couple_id == couple.pk
    assert two.kind == AppointmentKind.INTAKE and two.intake_names == "Jamie and Pat"


def test_a_clash_with_a_partners_session_names_them_and_keeps_the_weeks_slots(
    as_user, practice_admin, book, dana, owen, edmonds, tuesday
):
    grace = ClientFactory(full_name="Grace Holt")
    theirs = CoupleFactory(partner_one=grace, primary_counselor=owen)
    theirs.other_counselors.add(dana)
    book(tuesday, "10:00", couple=theirs, counselor=owen)  # Grace's session with Owen
    response = as_user(practice_admin).post(
        BOOK,
        {
            "who": f"partner-{grace.pk}",
            "counselor": dana.pk,
            "location": edmonds.pk,
            "start": _utc(at(tuesday, "10:00")),
            "week": tuesday.isoformat(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert f"Grace Holt has another session at 10:00 on {tuesday:%a %-d %b}; pick another time." in html
    assert f"start={_utc(at(tuesday, '11:00'))}" in html
    assert Appointment.objects.count() == 1


def test_a_link_with_an_unreadable_time_shows_the_free_times_and_says_so(as_user, dana, edmonds, couple, tuesday):
    query = {"who": f"couple-{couple.pk}", "location": edmonds.pk, "week": tuesday, "start": "tomorrow-ish"}
    response = as_user(dana).get(BOOK, query)
    html = response.content.decode()
    assert response.status_code == 400 and "could not be read" in html
    assert f"start={_utc(at(tuesday, '09:00'))}" in html


def test_a_video_link_on_a_place_that_is_not_online_is_a_form_error_not_a_500(
    as_user, practice_admin, dana, edmonds, couple, tuesday
):
    query = {
        "who": f"couple-{couple.pk}",
        "counselor": dana.pk,
        "location": edmonds.pk,
        "start": _utc(at(tuesday, "10:00")),
    }
    response = as_user(practice_admin).post(BOOK, {**query, "telehealth_url": "https://video.example/room"})
    assert (
        response.status_code == 400 and "Only online appointments have a telehealth link." in response.content.decode()
    )
    assert not Appointment.objects.exists()


def test_the_weekly_series_is_offered_with_the_choices_so_far(as_user, practice_admin, dana, edmonds, couple, tuesday):
    client = as_user(practice_admin)
    when = client.get(
        BOOK, {"who": f"couple-{couple.pk}", "counselor": dana.pk, "location": edmonds.pk, "week": tuesday}
    )
    link = re.search(r'href="(/appointments/series/\?[^"]+)">Book a weekly series instead', when.content.decode())
    assert link is not None
    series = client.get(html_lib.unescape(link[1])).content.decode()
    assert f'<option value="{couple.pk}" selected>' in series and f'<option value="{dana.pk}" selected>' in series
    assert f'value="{tuesday.isoformat()}"' in series
