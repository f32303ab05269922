"""Listing couples costs the same number of queries however many there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CoupleFactory

URLS = ["/couples/", "/api/v1/couples/"]
# Measured: session, user, the 2FA check, the couples (partners and counselor
# joined in), their other counselors (one prefetch); the page adds the bell's
# unread count, the API the page count. Raise only with a reason.
MAX_QUERIES = {"/couples/": 6, "/api/v1/couples/": 6}


@pytest.fixture(params=["counselor", "practice_admin"])
def viewer(request, counselor, other_counselor):
    return request.getfixturevalue(request.param)


def add_couples(n, counselor, other_counselor):
    for _ in range(n):
        CoupleFactory(primary_counselor=counselor).other_counselors.add(other_counselor)


def query_count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("url", URLS)
def test_query_count_does_not_grow_with_the_number_of_couples(url, viewer, counselor, other_counselor, as_user):
    client = as_user(viewer)
    add_couples(3, counselor, other_counselor)
    client.get(url)  # warm up per-process caches (content types, ...)
    with_3 = query_count(client, url)
    add_couples(27, counselor, other_counselor)
    assert query_count(client, url) == with_3


@pytest.mark.parametrize("url", URLS)
def test_query_count_stays_at_its_measured_value(
    url, viewer, counselor, other_counselor, as_user, django_assert_max_num_queries
):
    client = as_user(viewer)
    add_couples(30, counselor, other_counselor)
    client.get(url)
    with django_assert_max_num_queries(MAX_QUERIES[url]):
        client.get(url)


def add_tokens(n, user):
    from accounts.models import ApiToken

    for number in range(n):
        ApiToken.objects.create(user=user, label=f"App {number}")


def add_held_invitations(n, counselor, practice_admin):
    from accounts.models import HeldInvitation, HoldReason

    for number in range(n):
        HeldInvitation.objects.create(
            invited_by=counselor,
            primary_counselor=counselor,
            partner_one_name=f"Partner {number}",
            partner_one_email=f"one{number}@example.test",
            partner_two_name=f"Other {number}",
            partner_two_email=f"two{number}@example.test",
            time_zone="America/Chicago",
            reason=HoldReason.values[0],
        )


def test_the_security_page_costs_the_same_however_many_tokens(counselor, as_user):
    client = as_user(counselor)
    add_tokens(2, counselor)
    client.get("/profile/security/")
    with_2 = query_count(client, "/profile/security/")
    add_tokens(20, counselor)
    assert query_count(client, "/profile/security/") == with_2


def test_the_held_invitations_page_costs_the_same_however_many_are_held(counselor, practice_admin, as_user):
    client = as_user(practice_admin)
    add_held_invitations(2, counselor, practice_admin)
    client.get("/couples/held/")
    with_2 = query_count(client, "/couples/held/")
    add_held_invitations(20, counselor, practice_admin)
    assert query_count(client, "/couples/held/") == with_2
