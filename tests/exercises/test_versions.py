"""Earlier versions of an edited answer: shown to the counselor on the review
page and to the author on their own page, never to the other partner; the
counselor's look is audited with the versions it showed."""

import pytest

from accounts.models import AuditEvent
from exercises import services

FIRST = {"i_feel": "tired", "when": "we argue late", "because": "I need sleep", "would_like": "talk earlier"}
SECOND = {**FIRST, "i_feel": "worn out"}


@pytest.fixture
def edited(builtin, assign, occurrence_of, partner, other_partner):
    """An "I" statements occurrence whose answer Sam submitted, then changed; Riley has answered too."""
    occurrence = occurrence_of(assign(builtin("i-statements")))
    services.response_submit(occurrence=occurrence, user=partner, answers=FIRST)
    services.response_submit(occurrence=occurrence, user=partner, answers=SECOND)
    services.response_submit(occurrence=occurrence, user=other_partner, answers={**FIRST, "i_feel": "calm"})
    return occurrence


def page(client, occurrence):
    return client.get(f"/exercises/occurrences/{occurrence.pk}/").content.decode()


def test_the_counselor_sees_the_earlier_version(counselor, edited, as_user):
    html = page(as_user(counselor), edited)
    assert "Earlier version" in html and "Version 1" in html
    assert "tired" in html and "worn out" in html


def test_the_counselors_look_is_audited_naming_the_versions_shown(counselor, edited, as_user):
    page(as_user(counselor), edited)
    details = [e.details for e in AuditEvent.objects.filter(action="response.viewed", actor=counselor)]
    assert {"occurrence": edited.pk, "version": 2, "earlier_versions": [1]} in details


def test_the_author_sees_their_earlier_version(partner, edited, as_user):
    html = page(as_user(partner), edited)
    assert "Earlier version" in html and "tired" in html


def test_the_other_partner_sees_only_the_current_version(other_partner, edited, as_user):
    html = page(as_user(other_partner), edited)
    assert "worn out" in html  # visible now that both have submitted
    assert "tired" not in html and "Earlier version" not in html
