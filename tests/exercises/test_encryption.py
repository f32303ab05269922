"""Answers (every version) and comments encrypted at rest (docs/encryption.md):
plain SQL reads of their tables show none of what was written; the models,
pages and the rituals' summaries read it back."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError
from django.db import connection

from exercises import services
from exercises.models import Comment, Response, ResponseVersion

MARK = "Quokka-Lantern-5519"  # a marked text, searched for in the raw rows
FIRST = {"i_feel": f"{MARK} tired", "when": "we argue late", "because": "I need sleep", "would_like": "talk earlier"}
SECOND = {**FIRST, "i_feel": f"{MARK} worn out"}


def raw_rows(model) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(model._meta.db_table)}")
        return repr(cursor.fetchall())


@pytest.fixture
def answered(builtin, assign, occurrence_of, partner, counselor):
    """Sam's "I" statements, submitted then changed (a version kept), and Dana's comment on it."""
    occurrence = occurrence_of(assign(builtin("i-statements")))
    services.response_submit(occurrence=occurrence, user=partner, answers=FIRST)
    response = services.response_submit(occurrence=occurrence, user=partner, answers=SECOND)
    services.comment_add(counselor=counselor, response=response, body=f"{MARK}: thank you.")
    return response


def test_answers_their_versions_and_comments_are_no_text_in_sql(answered):
    for model in (Response, ResponseVersion, Comment):
        stored = raw_rows(model)
        assert MARK not in stored, model
        assert "argue" not in stored and "i_feel" not in stored, model


def test_the_models_read_every_version_back(answered):
    response = Response.objects.get(pk=answered.pk)
    assert response.answers == SECOND
    assert ResponseVersion.objects.get(response=response).answers == FIRST
    assert Comment.objects.get(response=response).body == f"{MARK}: thank you."


def test_the_review_page_shows_the_decrypted_answers(answered, counselor, as_user):
    html = as_user(counselor).get(f"/exercises/occurrences/{answered.occurrence_id}/").content.decode()
    assert f"{MARK} worn out" in html and f"{MARK} tired" in html and f"{MARK}: thank you." in html


def test_a_draft_is_encrypted_too(builtin, assign, occurrence_of, partner):
    occurrence = occurrence_of(assign(builtin("i-statements")))
    services.response_save_draft(occurrence=occurrence, user=partner, answers={"i_feel": MARK})
    assert MARK not in raw_rows(Response)


def test_answers_are_not_looked_into_in_sql(answered):
    with pytest.raises(FieldError):
        Response.objects.filter(answers__i_feel="tired").exists()
    with pytest.raises(FieldError):
        Comment.objects.filter(body__icontains=MARK).exists()
