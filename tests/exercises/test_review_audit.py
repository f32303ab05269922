"""Marking an answer reviewed sends the answer back: that read is audited
like any other, the first time and on every re-post."""

import pytest

from accounts.models import AuditEvent
from exercises import services

ANSWERS = {"i_feel": "hurt", "when": "plans change", "because": "I plan ahead", "would_like": "a call"}


@pytest.fixture
def answer(builtin, assign, occurrence_of, partner):
    occurrence = occurrence_of(assign(builtin("i-statements")))
    return services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)


def review_url(answer):
    return f"/api/v1/occurrences/{answer.occurrence_id}/responses/{answer.pk}/review/"


def reads_of(answer, counselor):
    return AuditEvent.objects.filter(actor=counselor, action="response.viewed", target_id=str(answer.pk)).count()


def test_reviewing_through_the_api_audits_the_answer_it_returns(answer, counselor, as_user):
    as_user(counselor).post(review_url(answer), {}, content_type="application/json")
    assert reads_of(answer, counselor) == 1


def test_re_posting_a_review_audits_the_answer_again(answer, counselor, as_user):
    client = as_user(counselor)
    client.post(review_url(answer), {}, content_type="application/json")
    response = client.post(review_url(answer), {}, content_type="application/json")
    assert response.json()["answers"] == ANSWERS
    assert reads_of(answer, counselor) == 2
