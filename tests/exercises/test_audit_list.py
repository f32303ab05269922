"""/audit/: practice admins list the audit records (who, what, which record,
when), filtered and paginated; never answer content; 404 for everyone else."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AuditAction, AuditEvent
from exercises import services
from portal import paging

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
    events = client.get("/audit/?action=response.viewed").context["page"].items
    assert {e.action for e in events} == {"response.viewed"}
    events = client.get("/audit/?actor=sam@").context["page"].items
    assert events and {e.actor.email for e in events} == {"sam@example.test"}


def _add_events(counselor, n, action=AuditAction.RESPONSE_VIEWED):
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=counselor, action=action, target_type="t", target_id=str(i)) for i in range(n)
    )


def test_the_first_page_shows_a_page_of_events_and_a_next_link(practice_admin, counselor, as_user):
    _add_events(counselor, paging.PAGE_SIZE + 5)
    response = as_user(practice_admin).get("/audit/")
    assert len(response.context["page"].items) == paging.PAGE_SIZE
    assert 'rel="next"' in response.content.decode()
    assert "Page 1" in response.content.decode()


def test_the_second_page_shows_the_rest_and_no_next_link(practice_admin, counselor, as_user):
    _add_events(counselor, paging.PAGE_SIZE + 5)
    response = as_user(practice_admin).get("/audit/?page=2")
    assert len(response.context["page"].items) == 5
    assert 'rel="next"' not in response.content.decode()
    assert 'rel="prev"' in response.content.decode()


def test_the_page_links_keep_the_filters(practice_admin, counselor, as_user):
    _add_events(counselor, paging.PAGE_SIZE + 5)
    html = as_user(practice_admin).get("/audit/?action=response.viewed&actor=dana").content.decode()
    assert 'href="?action=response.viewed&amp;actor=dana&amp;page=2"' in html


def test_the_action_menu_names_every_audit_action(practice_admin, as_user):
    html = as_user(practice_admin).get("/audit/").content.decode()
    for value, label in AuditAction.choices:
        assert f'<option value="{value}">{label}</option>' in html


def test_an_action_with_no_rows_can_be_chosen(practice_admin, counselor, as_user):
    _add_events(counselor, 3)
    response = as_user(practice_admin).get(f"/audit/?action={AuditAction.CALENDAR_FEED_REVOKED}")
    assert response.context["form"].is_valid()
    assert response.context["page"].items == []


def test_the_audit_page_takes_the_same_queries_for_5_and_500_rows(practice_admin, counselor, as_user):
    client = as_user(practice_admin)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/audit/").status_code == 200
        return len(captured.captured_queries)

    _add_events(counselor, 5)
    client.get("/audit/")
    with_5 = queries()
    _add_events(counselor, 495)
    assert queries() == with_5
    # session, user, 2FA check, the page's rows (one more than a page) with their actors,
    # the couple filter's menu, and one for what base.html shows everyone (the notification
    # bell): no count, no DISTINCT
    assert with_5 == 6
