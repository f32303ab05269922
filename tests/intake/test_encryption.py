"""The intake questionnaire and the private safety check-in are exercise
answers, encrypted at rest (docs/encryption.md): plain SQL shows none of
them, and the risk flag, read in Python from the decrypted answers when they
are submitted, is still raised."""

from __future__ import annotations

from django.db import connection

from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG
from exercises.models import Response

MARK = "Heron-Basalt-2087"


def raw_responses() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM exercises_response")
        return repr(cursor.fetchall())


def test_the_safety_check_in_is_no_text_in_sql_and_still_raises_the_flag(packet, partner, answer):
    answers = {
        "feel_safe": "unsure",
        "afraid": "often",
        "hurt": "no",
        "speak_openly": "comfortable",
        "for_counselor": f"{MARK} took my keys.",
    }
    response = answer(partner, packet, SAFETY_SCREEN_SLUG, answers)
    stored = raw_responses()
    assert MARK not in stored and "afraid" not in stored and "often" not in stored
    partner.refresh_from_db()
    assert partner.safety.has_unreviewed_flag
    assert Response.objects.get(pk=response.pk).answers["for_counselor"] == f"{MARK} took my keys."


def test_the_intake_questionnaire_is_no_text_in_sql(packet, partner, answer):
    answers = {"what_brings_you": f"{MARK} we argue about money.", "hopes": "Calmer evenings.", "stress": 3}
    response = answer(partner, packet, INTAKE_QUESTIONNAIRE_SLUG, answers)
    stored = raw_responses()
    assert MARK not in stored and "Calmer" not in stored
    assert Response.objects.get(pk=response.pk).answers["what_brings_you"] == f"{MARK} we argue about money."
