"""The dashboard and a couple's progress cost the same number of queries for a
caseload of 5 couples and of 200, each with 12 weeks of history."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.progress.generate import generate

# Measured; pinned for 5 and for 200 couples. Raise only with a reason.
# Each request: session, user, and for staff the 2FA check. An audit row is two statements:
# the audit chain's head (accounts.audit_chain), then the insert.
QUERIES = {
    # page: the rows (one statement), the notification bell, the audit row (scores are shown)
    "/dashboard/": 7,
    # API: the rows, the audit row
    "/api/v1/dashboard/": 6,
    # couple and its other counselors, scores, weekly completion, the ritual assignments (this couple
    # has none: their logs would add two), timeline (answers, comments, appointments), the audit row
    "progress": 13,
}


def url_for(name, couple):
    return f"/api/v1/couples/{couple.pk}/progress/" if name == "progress" else name


@pytest.mark.parametrize("name", list(QUERIES))
def test_query_count_is_the_same_for_5_and_200_couples(name, counselor, intimacy, as_user, django_assert_num_queries):
    now = timezone.now()
    couple = generate(counselor, 5, now=now, seed=11)[0]
    client, url = as_user(counselor), url_for(name, couple)
    assert client.get(url).status_code == 200  # warm per-process caches
    with django_assert_num_queries(QUERIES[name]):
        assert client.get(url).status_code == 200
    generate(counselor, 195, now=now, seed=12)
    with django_assert_num_queries(QUERIES[name]):
        response = client.get(url)
        assert response.status_code == 200
    if "dashboard" in name:
        rows = response.json() if name.startswith("/api/") else response.context["rows"]
        assert len(rows) > 150  # active and paused couples of the 200
