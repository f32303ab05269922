"""The partner's home (/me/) shows their next appointment: requested or
confirmed, to come, one they take part in; its time in the partner's own
time zone, the counselor, and the office's address or the video link
(scheduling.context_processors.next_appointment)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scheduling import selectors, services

pytestmark = pytest.mark.django_db


def card(client) -> str:
    page = client.get("/me/").content.decode()
    start = page.index('id="next-appointment-heading"')
    return page[start : page.index("</section>", start)]


def test_a_confirmed_session_shows_its_day_time_counselor_and_office(book, tuesday, partner, as_user, dana):
    book(tuesday, "10:00")
    shown = card(as_user(partner))
    assert tuesday.strftime("%B") in shown and f" {tuesday.day}, {tuesday.year}" in shown
    assert "10:00 AM" in shown
    assert dana.full_name in shown
    assert "Edmonds" in shown and "316 Main Street" in shown


def test_the_time_is_in_the_partners_own_time_zone(book, tuesday, partner, as_user):
    partner.time_zone = "America/New_York"
    partner.save(update_fields=["time_zone"])
    book(tuesday, "10:00")  # Los Angeles
    assert "1:00 PM" in card(as_user(partner))


def test_an_online_session_shows_its_video_link_not_an_address(book, thursday, partner, as_user, online_office):
    book(thursday, "10:00", location=online_office, telehealth_url="https://video.example.com/room-42")
    shown = card(as_user(partner))
    assert 'href="https://video.example.com/room-42"' in shown
    assert "316 Main Street" not in shown


def test_the_earliest_of_two_is_the_one_shown(book, tuesday, partner, as_user):
    book(tuesday + timedelta(days=7), "10:00")
    book(tuesday, "11:00")
    shown = card(as_user(partner))
    assert "11:00 AM" in shown and "10:00 AM" not in shown


def test_a_cancelled_session_is_not_shown(book, tuesday, partner, as_user, practice_admin):
    appointment = book(tuesday, "10:00")
    services.appointment_cancel(actor=practice_admin, appointment=appointment, reason="Snow")
    assert "No appointment booked" in card(as_user(partner))


def test_another_couples_session_is_not_shown(book, tuesday, partner, as_user, owen, other_couple):
    book(tuesday, "10:00", counselor=owen, couple=other_couple)
    assert "No appointment booked" in card(as_user(partner))


def test_the_selector_leaves_out_a_session_already_begun(book, tuesday, partner):
    appointment = book(tuesday, "10:00")
    assert selectors.next_appointment_of(partner, now=appointment.start - timedelta(minutes=1)) == appointment
    assert selectors.next_appointment_of(partner, now=appointment.start + timedelta(minutes=1)) is None


def test_the_card_costs_one_query_with_or_without_an_appointment(
    book, tuesday, partner, as_user, django_assert_num_queries
):
    from tests.exercises.test_views_query_counts import QUERIES

    client = as_user(partner)
    client.get("/me/")
    with django_assert_num_queries(QUERIES[("partner", "/me/")]):
        client.get("/me/")
    for week in range(5):
        book(tuesday + timedelta(days=7 * week), "10:00")
    with django_assert_num_queries(QUERIES[("partner", "/me/")]):
        client.get("/me/")


def test_a_counselors_page_does_not_ask_for_it(book, tuesday, counselor, couple, as_user):
    book(tuesday, "10:00")
    client = as_user(counselor)
    client.get("/couples/")
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/couples/").status_code == 200
    assert not any("scheduling_appointmentparticipant" in q["sql"] for q in captured.captured_queries)
