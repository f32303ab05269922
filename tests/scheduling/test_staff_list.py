"""The Staff pages (practice admins): the list shows each counselor's name,
e-mail, offices, state and whether they take new clients, a page at a time;
the list, a counselor's page and their deactivation page each cost the same
number of queries with a little data or much more."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Invitation
from scheduling.models import CounselorProfile
from tests.factories import CounselorFactory, CoupleFactory, LocationFactory
from tests.scheduling.helpers import weekday_ahead

# Session, user, the admin's two-factor check; the page of counselors with
# their profiles and pending invitations; their offices; the bell's unread count.
STAFF_LIST_QUERIES = 6


def add_counselors(count: int, admin, *, first: int = 0) -> None:
    offices = [LocationFactory(), LocationFactory()]
    for number in range(first, first + count):
        member = CounselorFactory(full_name=f"Counselor {number:03d}")
        profile = CounselorProfile.objects.create(user=member, slug=f"counselor-{number:03d}", on_leave=number % 4 == 1)
        profile.locations.set(offices[: 1 + number % 2])
        if number % 4 == 2:
            Invitation.objects.create(couple=None, user=member, invited_by=admin)
        if number % 4 == 3:
            member.is_active = False
            member.save(update_fields=["is_active"])


@pytest.mark.parametrize("count", [3, 60])
def test_the_staff_list_costs_the_same_queries_for_few_and_many(count, practice_admin, as_user):
    add_counselors(count, practice_admin)
    client = as_user(practice_admin)
    client.get(reverse("staff_list"))  # sessions and caches warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("staff_list"))
    assert response.status_code == 200
    assert len(queries) == STAFF_LIST_QUERIES, "\n".join(q["sql"] for q in queries.captured_queries)


def test_the_staff_list_shows_each_counselors_state(practice_admin, as_user):
    add_counselors(4, practice_admin)
    text = as_user(practice_admin).get(reverse("staff_list")).content.decode()
    for state in ("Active", "On leave", "Invited", "Deactivated"):
        assert state in text
    assert "Accepting" in text and "Not accepting" in text


def test_the_staff_list_filters_by_state_and_pages(practice_admin, as_user):
    add_counselors(8, practice_admin)
    client = as_user(practice_admin)
    deactivated = client.get(reverse("staff_list"), {"state": "deactivated"}).context["staff"]
    assert [m.full_name for m in deactivated] == ["Counselor 003", "Counselor 007"]
    invited = client.get(reverse("staff_list"), {"state": "invited"}).context["staff"]
    assert [m.full_name for m in invited] == ["Counselor 002", "Counselor 006"]
    add_counselors(60, practice_admin, first=100)
    first = client.get(reverse("staff_list")).context["staff"]
    assert first.has_next and len(first) == 50


def test_the_admins_navigation_has_the_staff_page(practice_admin, counselor, as_user):
    assert reverse("staff_list") in as_user(practice_admin).get(reverse("location_list")).content.decode()
    assert reverse("staff_list") not in as_user(counselor).get(reverse("couple_list")).content.decode()


def _queries(client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def dana_with(dana, practice_admin, edmonds, book):
    """dana_with(n): Dana with n more couples, each with a session to come."""

    def _add(count: int) -> None:
        for number in range(count):
            couple = CoupleFactory(primary_counselor=dana)
            day = weekday_ahead(1, weeks=2 + number // 8)
            book(day, f"{9 + number % 8:02d}:00", couple=couple)

    return _add


# Session, user, 2FA check; the counselor; their sessions to come (offices and
# clients joined); the bell; their couples (partners joined).
DEACTIVATE_PAGE_QUERIES = 7


@pytest.mark.parametrize("count", [1, 12])
def test_the_deactivate_page_costs_the_same_queries_for_few_and_many(count, practice_admin, as_user, dana, dana_with):
    dana_with(count)
    url = reverse("staff_deactivate", args=[dana.pk])
    assert _queries(as_user(practice_admin), url) == DEACTIVATE_PAGE_QUERIES


@pytest.mark.parametrize("count", [1, 12])
def test_the_staff_edit_page_costs_the_same_queries_for_few_and_many(count, practice_admin, as_user, dana, dana_with):
    dana_with(count)
    url = reverse("staff_edit", args=[dana.pk])
    first = _queries(as_user(practice_admin), url)
    assert first == STAFF_EDIT_PAGE_QUERIES


# Session, user, 2FA check; the counselor; the profile, its specialties and
# offices (the form's initial values), the profile again for the page; the
# bell; the form's specialties and offices to choose from.
STAFF_EDIT_PAGE_QUERIES = 11
