"""The public pages: offices, the counselor directory and the new-client request form."""

from __future__ import annotations

import pytest
from django.test import Client

from scheduling import signals
from scheduling.models import CounselorProfile, IntakeRequest
from scheduling.views import INTAKE_RATE_LIMIT
from tests.factories import LocationFactory


@pytest.fixture
def visitor() -> Client:
    return Client()


def test_the_office_list_shows_address_phone_and_today_of_each_active_office(visitor, edmonds, online_office):
    page = visitor.get("/offices/").content.decode()
    assert "316 Main Street" in page
    assert "(206) 555-0100" in page
    assert "Online (WA only)" in page
    # The online office is open every day from 7 to 9: whatever today is, its hours are shown.
    assert "7:00 AM–9:00 PM" in page


def test_an_office_page_shows_the_week_with_a_closed_day_as_closed(visitor, edmonds):
    page = visitor.get("/offices/edmonds/").content.decode()
    assert "8:00 AM–8:00 PM" in page
    assert 'Sunday</th><td><span class="muted">Closed' in page


def test_an_inactive_office_is_not_listed(visitor, edmonds):
    LocationFactory(name="Hansville", slug="hansville", is_active=False)
    assert "Hansville" not in visitor.get("/offices/").content.decode()


def test_an_inactive_office_has_no_page(visitor, db):
    LocationFactory(name="Hansville", slug="hansville", is_active=False)
    assert visitor.get("/offices/hansville/").status_code == 404


def test_an_office_page_lists_the_counselors_who_work_there(visitor, dana, owen):
    page = visitor.get("/offices/edmonds/").content.decode()
    assert "Dana Reyes, MA, LMHCA" in page
    assert "Owen Park, LMFT" in page


def test_the_directory_filters_by_specialty(visitor, dana, owen):
    page = visitor.get("/counselors/", {"specialty": "grief-and-loss"}).content.decode()
    assert "Owen Park" in page
    assert "Dana Reyes" not in page


def test_the_directory_filters_by_online(visitor, dana, owen):
    page = visitor.get("/counselors/", {"online": "on"}).content.decode()
    assert "Dana Reyes" in page
    assert "Owen Park" not in page


def test_the_directory_filters_by_location(visitor, dana, owen, online_office):
    page = visitor.get("/counselors/", {"location": "online"}).content.decode()
    assert "Dana Reyes" in page
    assert "Owen Park" not in page


def test_a_counselor_on_leave_is_not_in_the_directory(visitor, dana, owen):
    CounselorProfile.objects.filter(user=owen).update(on_leave=True)
    assert "Owen Park" not in visitor.get("/counselors/").content.decode()


def test_a_deactivated_counselor_is_neither_listed_nor_shown(visitor, dana, owen):
    owen.is_active = False
    owen.save(update_fields=["is_active"])
    assert "Owen Park" not in visitor.get("/counselors/").content.decode()
    assert visitor.get("/counselors/owen-park/").status_code == 404


def test_a_counselor_on_leave_has_no_public_profile(visitor, owen):
    CounselorProfile.objects.filter(user=owen).update(on_leave=True)
    assert visitor.get("/counselors/owen-park/").status_code == 404


def test_a_profile_shows_credentials_and_the_request_form(visitor, dana):
    page = visitor.get("/counselors/dana-reyes/").content.decode()
    assert "Dana Reyes, MA, LMHCA" in page
    assert "Request an appointment with Dana Reyes" in page


def test_a_request_from_the_profile_creates_an_intake_request_for_the_counselor(visitor, dana, request_form):
    response = visitor.post("/counselors/dana-reyes/", request_form)
    assert response.status_code == 302
    intake = IntakeRequest.objects.get()
    assert (intake.counselor, intake.names, intake.preferred_times) == (dana, "Jamie and Pat Moore", "Tuesday mornings")


def test_a_request_tells_the_front_desk_through_the_signal(
    visitor, dana, request_form, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, intake_request_id, **kwargs):
        received.append(intake_request_id)

    signals.intake_requested.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            visitor.post("/counselors/dana-reyes/", request_form)
    finally:
        signals.intake_requested.disconnect(receiver)
    assert received == [IntakeRequest.objects.get().pk]


def test_a_request_without_an_email_says_which_field_is_missing(visitor, dana, request_form):
    response = visitor.post("/counselors/dana-reyes/", {**request_form, "email": ""})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not IntakeRequest.objects.exists()


def test_a_filled_honeypot_creates_nothing_but_looks_like_success(visitor, dana, request_form):
    response = visitor.post("/counselors/dana-reyes/", {**request_form, "website": "http://spam.example"})
    assert response.status_code == 302
    assert not IntakeRequest.objects.exists()


def test_requests_beyond_the_hourly_limit_from_one_address_are_refused(visitor, dana, request_form):
    for _ in range(INTAKE_RATE_LIMIT):
        assert visitor.post("/counselors/dana-reyes/", request_form).status_code == 302
    response = visitor.post("/counselors/dana-reyes/", request_form)
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()
    assert IntakeRequest.objects.count() == INTAKE_RATE_LIMIT


def test_requests_with_a_mistake_do_not_count_toward_the_limit(visitor, dana, request_form):
    for _ in range(INTAKE_RATE_LIMIT + 2):
        assert visitor.post("/counselors/dana-reyes/", {**request_form, "email": "not an address"}).status_code == 400
    assert visitor.post("/counselors/dana-reyes/", request_form).status_code == 302


def test_behind_a_trusted_proxy_the_limit_counts_each_client_apart(dana, request_form, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    for _ in range(INTAKE_RATE_LIMIT):
        Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9").post("/counselors/dana-reyes/", request_form)
    other = Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert other.post("/counselors/dana-reyes/", request_form).status_code == 302
