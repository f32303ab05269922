"""/couples/ comes in pages of a screen (by the first partner's name), with
Previous/Next links that keep the search and status, and costs the same
queries for a few couples and for many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import CoupleStatus
from portal import paging
from tests.factories import ClientFactory, CoupleFactory

pytestmark = pytest.mark.django_db


def _couples(n: int, counselor, start: int = 0) -> None:
    for i in range(start, start + n):
        CoupleFactory(
            partner_one=ClientFactory(full_name=f"Avery {i:03}", email=f"avery{i}@example.test"),
            partner_two=ClientFactory(full_name=f"Blake {i:03}", email=f"blake{i}@example.test"),
            primary_counselor=counselor,
        )


def test_the_first_page_shows_a_page_of_couples_and_a_next_link(practice_admin, counselor, as_user):
    _couples(paging.PAGE_SIZE + 5, counselor)
    response = as_user(practice_admin).get("/couples/")
    assert len(response.context["couples"].items) == paging.PAGE_SIZE
    assert 'rel="next"' in response.content.decode()
    assert "Page 1" in response.content.decode()


def test_the_couples_are_in_order_of_the_first_partners_name(practice_admin, counselor, as_user):
    _couples(paging.PAGE_SIZE + 5, counselor)
    names = [c.partner_one.full_name for c in as_user(practice_admin).get("/couples/?page=2").context["couples"]]
    assert names == [f"Avery {i:03}" for i in range(paging.PAGE_SIZE, paging.PAGE_SIZE + 5)]


def test_the_page_links_keep_the_search_and_status(practice_admin, counselor, as_user):
    _couples(paging.PAGE_SIZE + 5, counselor)
    html = as_user(practice_admin).get("/couples/?q=avery&status=active").content.decode()
    assert 'href="?q=avery&amp;status=active&amp;page=2"' in html


def test_a_filter_still_narrows_the_pages(practice_admin, counselor, as_user):
    _couples(3, counselor)
    CoupleFactory._meta.model.objects.filter(partner_one__full_name="Avery 001").update(
        status=CoupleStatus.CLOSED, closed_at=timezone.now()
    )
    response = as_user(practice_admin).get("/couples/?status=closed")
    assert [c.partner_one.full_name for c in response.context["couples"]] == ["Avery 001"]
    assert 'rel="next"' not in response.content.decode()


def test_the_couples_list_costs_the_same_queries_for_5_and_80_couples(practice_admin, counselor, as_user):
    client = as_user(practice_admin)
    _couples(5, counselor)
    client.get("/couples/")
    with CaptureQueriesContext(connection) as few:
        client.get("/couples/")
    _couples(75, counselor, start=5)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/couples/").context["couples"].items) == paging.PAGE_SIZE
    # session, user, 2FA, the bell; the page with partners and counselor joined, their other counselors
    assert len(few) == len(many) == 6, "\n".join(q["sql"][:150] for q in many.captured_queries)
