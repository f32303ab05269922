"""/audit/: practice admins list the audit records (who, what, which record,
when), filtered and paginated; never answer content; 404 for everyone else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditEvent
from exercises import audit, services

SECRET = "the lake house in August"
ANSWERS = {"i_feel": "hopeful", "when": SECRET, "because": "it was ours", "would_like": "go back"}


@pytest.fixture
def history(builtin, assign, occurrence_of, partner, counselor, as_user):
    """Sam submits and edits an answer; Dana reads it, reviews it and comments."""
    occurrence = occurrence_of(assign(builtin("i-statements")))
    services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)
    response = services.response_submit(occurrence=occurrence, user=partner, answers={**ANSWERS, "i_feel": "glad"})
    as_user(counselor).get(f"/exercises/occurrences/{occurrence.pk}/")
    services.response_mark_reviewed(response=response, counselor=counselor)
    services.comment_add(counselor=counselor, occurrence=occurrence, body=f"About {SECRET}: lovely.")
    return occurrence


def test_an_admin_sees_who_did_what(practice_admin, history, as_user):
    html = as_user(practice_admin).get("/audit/").content.decode()
    for text in ("response.submitted", "response.edited", "response.viewed", "response.reviewed", "Dana Reyes"):
        assert text in html


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["counselor", "partner"])
def test_counselors_and_clients_get_404(who, request, as_user):
    assert as_user(request.getfixturevalue(who)).get("/audit/").status_code == 404


def test_no_audit_record_holds_answer_or_comment_content(history):
    for event in AuditEvent.objects.all():
        assert SECRET not in str(event.details)


def test_the_audit_page_shows_no_answer_content(practice_admin, history, as_user):
    assert SECRET not in as_user(practice_admin).get("/audit/").content.decode()


def test_filter_by_action_and_by_actor(practice_admin, history, as_user):
    client = as_user(practice_admin)
    events = client.get("/audit/?action=response.viewed").context["page"].object_list
    assert {e.action for e in events} == {"response.viewed"}
    events = client.get("/audit/?actor=sam@").context["page"].object_list
    assert events and {e.actor.email for e in events} == {"sam@example.test"}


def test_the_list_is_paginated(practice_admin, counselor, as_user):
    for _ in range(audit.PAGE_SIZE + 5):
        AuditEvent.objects.create(actor=counselor, action="x.done", target_type="t", target_id="1")
    client = as_user(practice_admin)
    assert len(client.get("/audit/").context["page"].object_list) == audit.PAGE_SIZE
    assert len(client.get("/audit/?page=2").context["page"].object_list) == 5


def test_the_audit_page_takes_the_same_queries_for_5_and_50_rows(practice_admin, counselor, as_user):
    client = as_user(practice_admin)

    def add(n):
        AuditEvent.objects.bulk_create(
            AuditEvent(actor=counselor, action=f"x.{i % 3}", target_type="t", target_id=str(i)) for i in range(n)
        )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/").status_code == 200
        return len(captured.captured_queries)

    add(5)
    client.get("/audit/")
    with_5 = queries()
    add(45)
    assert queries() == with_5
    # session, user, 2FA check, actions for the filter, count, the page's rows with their actors,
    # and at most one more for what base.html shows everyone (the notification bell)
    assert with_5 <= 7
