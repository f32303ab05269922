"""The documents and signatures lists cost the same number of queries for a
few rows and for many more, for every role that sees them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from intake import services

# Measured; pinned for the small and the large data set. Raise only with a reason.
# Every request loads session and user (staff: the 2FA check too).
QUERIES = {
    # the page count, the signatures with version, document, signer, couple, revocation joined; the audit insert
    ("practice_admin", "/api/v1/signatures/"): 6,
    ("counselor", "/api/v1/signatures/"): 6,
    # the same without the audit insert (one's own) and without the 2FA check
    ("partner", "/api/v1/signatures/"): 4,
    # the page count, the documents, their versions (prefetched)
    ("practice_admin", "/api/v1/documents/"): 6,
    ("partner", "/api/v1/documents/"): 5,
    # the pages: the documents and their versions; the bell's unread count
    ("practice_admin", "/documents/"): 6,
    # what is needed (published versions, own signatures), what was signed; the bell's count
    ("partner", "/me/documents/"): 6,
}
SMALL, MORE = 2, 8


@pytest.fixture
def grow(practice_admin, couple, other_couple, counselor):
    """grow(n): n more published documents, each signed by both of Dana's partners and one of Owen's."""
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            version = services.document_create(
                actor=practice_admin, kind="other", title=f"Agreement {made[0]}", text=f"Text {made[0]}."
            )
            version = services.document_version_publish(actor=practice_admin, version=version)
            for person in (couple.partner_one, couple.partner_two, other_couple.partner_one):
                services.signature_create(
                    signer=person,
                    version=version,
                    typed_name=person.full_name,
                    agreed=True,
                    ip_address="203.0.113.9",
                    user_agent="pytest",
                )

    return add


def _fetch(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, captured


@pytest.mark.parametrize(("who", "url"), list(QUERIES))
def test_query_count_is_the_same_for_a_few_rows_and_many(who, url, request, grow, as_user):
    user = request.getfixturevalue(who)
    client = as_user(user)
    grow(SMALL)
    client.get(url)  # warm per-process caches
    few, few_queries = _fetch(client, url)
    grow(MORE)
    many, many_queries = _fetch(client, url)
    if url.startswith("/api/"):
        assert len(many.json()["results"]) > len(few.json()["results"])
    else:
        assert len(many.content) > len(few.content)
    sql = "\n".join(q["sql"][:160] for q in many_queries.captured_queries)
    assert len(few_queries) == len(many_queries) == QUERIES[(who, url)], sql
