"""Erasing a closed couple's answers and comments once the practice's
retention period has run out (called by retention.services only, inside
its transaction, which has checked the period and writes the audit row)."""

from __future__ import annotations

from accounts.models import Couple, CoupleStatus
from exercises.models import Assignment, Comment, Response, ResponseVersion


def couple_exercise_content_erase(*, couple: Couple) -> dict[str, int]:
    """Every answer's text (the current one emptied, earlier versions
    deleted), every comment, and each assignment's note to the couple.
    What stays: the assignments, occurrences and answers as rows with their
    states and dates (what the audit trail's rows point at). Returns how many
    of each were erased. Refuses a couple that is not closed."""
    if couple.status != CoupleStatus.CLOSED:
        raise ValueError(f"Couple {couple.pk} is not closed: its content is not erased.")
    responses = Response.objects.filter(occurrence__assignment__couple=couple)
    versions, _ = ResponseVersion.objects.filter(response__in=responses).delete()
    comments, _ = Comment.objects.filter(occurrence__assignment__couple=couple).delete()
    answers = responses.update(answers={})
    notes = Assignment.objects.filter(couple=couple).update(note="")
    return {"answers": answers, "answer_versions": versions, "comments": comments, "assignment_notes": notes}
