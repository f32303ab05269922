"""A record costs the same number of queries however much it holds, for the
client's own download and for a staff export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import services as exercise_services
from intake import services as intake_services
from messaging import services as messaging_services
from scheduling import services as scheduling_services
from tests.scheduling.helpers import at, weekday_ahead

pytestmark = pytest.mark.django_db

# Measured; pinned for the small and the large record. Raise only with a reason. Counted
# without the audit trail's own statements (how many an audit row costs is the audit's
# business, accounts.services.audit); those are checked to be the same small and large.
QUERIES = {
    # session, user; the couples and their other counselors; appointments; scores;
    # signatures; answers, their comments and earlier versions; threads, their messages
    # and attachments
    ("partner", "/me/record.json"): 13,
    ("partner", "/me/record.pdf"): 13,
    # the same with the 2FA check and the subject looked up and checked in scope
    ("counselor", "/records/clients/{sam}/record.json"): 16,
}
SMALL, MORE = 1, 5


@pytest.fixture
def grow(filled, couple, counselor, partner, other_partner, practice_admin, make_exercise, edmonds, dana):
    """grow(n): n more of each: exercises Sam and Riley answered (Dana commented on
    Sam's), messages in the joint and in Sam's private conversation, signed
    documents, couple sessions."""
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            occurrence = make_exercise(f"Exercise {made[0]}")
            answer = exercise_services.response_submit(
                occurrence=occurrence, user=partner, answers={"feeling": f"Feeling {made[0]}"}
            )
            exercise_services.comment_add(counselor=counselor, response=answer, body=f"Comment {made[0]}")
            exercise_services.response_submit(occurrence=occurrence, user=other_partner, answers={"feeling": "Hers"})
            for thread in (filled.joint_thread, filled.sams_thread):
                messaging_services.message_post(actor=partner, thread=thread, body=f"Message {made[0]}")
            version = intake_services.document_create(
                actor=practice_admin, kind="other", title=f"Agreement {made[0]}", text=f"Text {made[0]}."
            )
            version = intake_services.document_version_publish(actor=practice_admin, version=version)
            intake_services.signature_create(
                signer=partner, version=version, typed_name="Sam Lee", agreed=True, ip_address=None, user_agent=""
            )
            scheduling_services.appointment_book(
                actor=practice_admin,
                counselor=dana,
                location=edmonds,
                start=at(weekday_ahead(1) + timedelta(weeks=made[0]), "10:00"),
                couple=couple,
            )

    return add


def _fetch(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    statements = [q["sql"] for q in captured.captured_queries if "SAVEPOINT" not in q["sql"]]
    audit = [sql for sql in statements if "accounts_auditevent" in sql]
    return response, [sql for sql in statements if sql not in audit], audit


@pytest.mark.parametrize(("who", "url"), list(QUERIES))
def test_a_record_costs_the_same_queries_small_and_large(who, url, request, grow, partner, as_user):
    client = as_user(request.getfixturevalue(who))
    url = url.format(sam=partner.pk)
    grow(SMALL)
    client.get(url)  # warm per-process caches
    small, small_queries, small_audit = _fetch(client, url)
    grow(MORE)
    large, large_queries, large_audit = _fetch(client, url)
    assert len(large.content) > len(small.content)
    sql = "\n".join(statement[:160] for statement in large_queries)
    assert len(small_queries) == len(large_queries) == QUERIES[(who, url.replace(str(partner.pk), "{sam}"))], sql
    assert len(small_audit) == len(large_audit) > 0
