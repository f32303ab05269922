"""Answers: a partner saves a draft or submits (earlier versions kept); a
counselor marks an answer reviewed, and comments on an occurrence or an answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, User
from accounts.services import audit_record
from exercises import signals
from exercises.fields import clean_answers
from exercises.models import (
    Comment,
    Occurrence,
    Response,
    ResponseState,
    ResponseVersion,
    TemplateKind,
)
from portal import policy
from portal.errors import require


def _lock_occurrence_for_answer(occurrence: Occurrence, user: User) -> Occurrence:
    locked = (
        Occurrence.objects.select_for_update(of=("self",)).select_related("assignment__couple").get(pk=occurrence.pk)
    )
    assignment = locked.assignment
    if not policy.can_respond(user, assignment):
        if policy.can_answer_exercises(user) and policy.is_partner_in(user, assignment.couple):
            if assignment.status == "paused":
                raise ValidationError(gettext("This exercise is paused: it takes no answers."))
            raise ValidationError(gettext("This exercise has ended: it takes no answers."))
        raise PermissionDenied(gettext("Only the couple's partners answer their exercises."))
    return locked


def _existing_response(occurrence: Occurrence, user: User) -> Response | None:
    author = None if occurrence.assignment.is_joint else user
    return Response.objects.select_for_update().filter(occurrence=occurrence, author=author).order_by("pk").first()


def _new_response(occurrence: Occurrence, user: User) -> Response:
    author = None if occurrence.assignment.is_joint else user
    return Response(occurrence=occurrence, author=author, last_edited_by=user)


@transaction.atomic
def response_save_draft(*, occurrence: Occurrence, user: User, answers: dict[str, Any]) -> Response:
    """Keep a partner's unfinished answer. What is there must already fit its
    field (types, limits); required answers may still be missing."""
    locked = _lock_occurrence_for_answer(occurrence, user)
    cleaned = clean_answers(locked.assignment.fields, answers, partial=True)
    response = _existing_response(locked, user) or _new_response(locked, user)
    if response.is_submitted:
        raise ValidationError(gettext("This answer is already submitted: submit your changes instead."))
    response.answers = cleaned
    response.last_edited_by = user
    response.save()
    return response


def _mark_complete_if_done(occurrence: Occurrence, now: datetime) -> None:
    if occurrence.completed_at is not None:
        return
    submitted = occurrence.responses.filter(state=ResponseState.SUBMITTED)
    couple = occurrence.assignment.couple
    if occurrence.assignment.is_joint:
        done = submitted.filter(author__isnull=True).exists()
    else:
        done = submitted.filter(author__in=[couple.partner_one_id, couple.partner_two_id]).count() == 2
    if done:
        occurrence.completed_at = now
        occurrence.save(update_fields=["completed_at"])


@transaction.atomic
def response_submit(
    *, occurrence: Occurrence, user: User, answers: dict[str, Any], now: datetime | None = None
) -> Response:
    """Submit (or edit a submitted) answer. Every answer is checked against
    the assignment's fields before anything is written. Editing keeps the
    earlier version; once the counselor has reviewed it, it is final."""
    now = now or timezone.now()
    locked = _lock_occurrence_for_answer(occurrence, user)
    cleaned = clean_answers(locked.assignment.fields, answers)
    response = _existing_response(locked, user) or _new_response(locked, user)
    if response.is_reviewed:
        raise ValidationError(
            gettext("Your counselor has already reviewed this answer, so it can no longer be changed.")
        )
    action = AuditAction.RESPONSE_SUBMITTED
    if response.is_submitted:
        if cleaned == response.answers:
            return response  # a repeated click: nothing to version
        assert response.submitted_at is not None
        ResponseVersion.objects.create(
            response=response,
            version=response.version,
            answers=response.answers,
            submitted_at=response.submitted_at,
            submitted_by=response.last_edited_by,
        )
        response.version += 1
        action = AuditAction.RESPONSE_EDITED
    response.answers = cleaned
    response.state = ResponseState.SUBMITTED
    response.submitted_at = now
    response.last_edited_by = user
    response.save()
    _mark_complete_if_done(locked, now)
    signals.response_submitted.send(sender=Response, occurrence=locked, response=response, now=now)
    audit_record(actor=user, action=action, target=response, version=response.version)
    return response


@transaction.atomic
def response_mark_reviewed(*, response: Response, counselor: User, now: datetime | None = None) -> Response:
    locked = (
        Response.objects.select_for_update(of=("self",))
        .select_related("occurrence__assignment__couple", "occurrence__assignment__template")
        .get(pk=response.pk)
    )
    require(
        policy.can_manage_assignments(counselor, locked.occurrence.assignment.couple),
        gettext("This answer is not on your caseload."),
    )
    if locked.occurrence.assignment.template.kind == TemplateKind.PRACTICE:
        # A ritual is followed through its periods and streaks; a reviewed
        # log would also lock the partner out of correcting it.
        raise ValidationError("A ritual's logs are followed through its streak, not reviewed one by one.")
    if not locked.is_submitted:
        raise ValidationError(gettext("Only a submitted answer can be marked reviewed."))
    if locked.is_reviewed:
        return locked  # already done: marking twice changes nothing
    locked.reviewed_at = now or timezone.now()
    locked.reviewed_by = counselor
    locked.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    audit_record(actor=counselor, action=AuditAction.RESPONSE_REVIEWED, target=locked)
    return locked


# --- Comments ---------------------------------------------------------------------


@transaction.atomic
def comment_add(
    *, counselor: User, body: str, occurrence: Occurrence | None = None, response: Response | None = None
) -> Comment:
    """A counselor's comment on an occurrence, or on one submitted answer (then
    only those who may read that answer see the comment)."""
    if (occurrence is None) == (response is None):
        raise ValidationError(gettext("Comment on an occurrence or on an answer."))
    if response is not None:
        occurrence = response.occurrence
    assert occurrence is not None
    require(
        policy.can_manage_assignments(counselor, occurrence.assignment.couple),
        gettext("Only the couple's counselors comment on their exercises."),
    )
    if response is not None and not response.is_submitted:
        raise ValidationError({"response": gettext("Comment on an answer once it is submitted.")})
    comment = Comment(occurrence=occurrence, response=response, author=counselor, body=body.strip())
    if not comment.body:
        raise ValidationError({"body": gettext("Write a comment.")})
    comment.full_clean()
    comment.save()
    audit_record(actor=counselor, action=AuditAction.EXERCISE_COMMENT_ADDED, target=comment, occurrence=occurrence.pk)
    return comment
