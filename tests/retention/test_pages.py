"""The retention pages: the practice admin's overview (the period, what is
erased next month, closure requests to decide) and the client's request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from retention import services
from retention.models import AccountClosureRequest, ClosureState
from tests.factories import CoupleFactory

pytestmark = pytest.mark.django_db


def test_the_overview_lists_what_is_erased_within_a_month(
    couple, other_couple, counselor, other_counselor, close, practice_admin, as_user
):
    close(couple, counselor, years_ago=7, days=-20)  # runs out in 20 days
    close(other_couple, other_counselor, years_ago=7, days=-60)  # in two months

    response = as_user(practice_admin).get("/retention/")

    assert [item.couple for item in response.context["upcoming"]] == [couple]


def test_the_overview_shows_no_clinical_content(sams_content, couple, counselor, close, practice_admin, as_user):
    close(couple, counselor, years_ago=7, days=-20)

    page = as_user(practice_admin).get("/retention/").content.decode()

    assert "Sam Lee &amp; Riley Lee" in page
    assert "ERASE-" not in page


@pytest.mark.parametrize("persona", ["counselor", "partner"])
def test_only_a_practice_admin_has_the_overview(request, persona, as_user):
    assert as_user(request.getfixturevalue(persona)).get("/retention/").status_code == 404


def test_the_practice_admin_saves_the_period(practice_admin, as_user):
    response = as_user(practice_admin).post("/retention/", {"years": "9"})

    assert response.status_code == 302
    assert as_user(practice_admin).get("/retention/").context["years"] == 9


def test_a_bad_period_is_a_form_error(practice_admin, as_user):
    response = as_user(practice_admin).post("/retention/", {"years": "0"})

    assert response.status_code == 400
    assert "years" in response.context["form"].errors


def test_the_overview_costs_the_same_for_1_and_15_couples_due(counselor, close, practice_admin, as_user):
    client = as_user(practice_admin)

    def cost() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/retention/").status_code == 200
        return len(captured.captured_queries)

    close(CoupleFactory(primary_counselor=counselor), counselor, years_ago=7, days=-5)
    services.closure_request(user=CoupleFactory(primary_counselor=counselor).partner_one)
    few = cost()
    for _ in range(14):
        close(CoupleFactory(primary_counselor=counselor), counselor, years_ago=7, days=-5)
        services.closure_request(user=CoupleFactory(primary_counselor=counselor).partner_one)
    assert cost() == few


def test_a_client_asks_from_their_page(partner, as_user):
    client = as_user(partner)
    page = client.get("/me/close-account/").content.decode()
    assert "Nothing is deleted straight away" in page

    assert client.post("/me/close-account/").status_code == 302
    assert AccountClosureRequest.objects.get().user == partner
    assert "has not decided yet" in client.get("/me/close-account/").content.decode()


def test_the_profile_links_a_client_to_closing_their_account(partner, as_user):
    assert "/me/close-account/" in as_user(partner).get("/profile/").content.decode()


@pytest.mark.parametrize("persona", ["counselor", "practice_admin"])
def test_staff_have_no_close_account_page(request, persona, as_user):
    assert as_user(request.getfixturevalue(persona)).get("/me/close-account/").status_code == 404


def test_the_practice_admin_closes_an_account_from_the_overview(partner, practice_admin, as_user):
    asked = services.closure_request(user=partner)

    response = as_user(practice_admin).post(
        f"/retention/requests/{asked.pk}/decide/", {f"r{asked.pk}-decision": "close", f"r{asked.pk}-reply": ""}
    )

    assert response.status_code == 302
    asked.refresh_from_db()
    partner.refresh_from_db()
    assert (asked.state, partner.is_active) == (ClosureState.ACCOUNT_CLOSED, False)


def test_a_counselor_cannot_decide_through_the_page(partner, counselor, as_user):
    asked = services.closure_request(user=partner)

    response = as_user(counselor).post(f"/retention/requests/{asked.pk}/decide/", {f"r{asked.pk}-decision": "close"})

    assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.state == ClosureState.OPEN


def test_the_close_account_page_costs_the_same_with_one_or_many_past_requests(partner, practice_admin, as_user):
    client = as_user(partner)

    def cost() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/me/close-account/").status_code == 200
        return len(captured.captured_queries)

    services.closure_decide(
        actor=practice_admin, request=services.closure_request(user=partner), close=False, reply="Not yet."
    )
    few = cost()
    for _ in range(9):
        services.closure_decide(
            actor=practice_admin, request=services.closure_request(user=partner), close=False, reply="Not yet."
        )
    assert cost() == few
