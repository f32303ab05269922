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
