"""Exercises and the reveal rules for answers. See portal/policy/__init__.py for the rules as a whole."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q

from accounts.models import Couple, Role, User
from exercises.models import (
    Assignment,
    AssignmentStatus,
    Comment,
    CompletionMode,
    ExerciseTemplate,
    Occurrence,
    Response,
    ResponseState,
    Visibility,
)
from portal.policy.base import _active
from portal.policy.couples import is_on_caseload, is_partner_in


def uses_template_library(user: User) -> bool:
    """Counselors choose from the exercise library, write templates of their
    own and copy built-ins."""
    return bool(user.is_authenticated and user.role == Role.COUNSELOR)


def can_assign_exercises(user: User) -> bool:
    """Counselors assign exercises to the couples of their caseload, read the
    submitted answers, review them and comment (which couples: can_manage_assignments)."""
    return bool(user.is_authenticated and user.role == Role.COUNSELOR)


def can_answer_exercises(user: User) -> bool:
    """Clients answer their own couple's exercises (which ones and when: can_respond)."""
    return bool(user.is_authenticated and user.role == Role.CLIENT)


def can_read_audit_log(user: User) -> bool:
    """The audit list (who did what, never answer content): practice admins."""
    return bool(user.is_authenticated and user.role == Role.PRACTICE_ADMIN)


def is_high_conflict(couple: Couple) -> bool:
    try:
        return couple.exercise_settings.high_conflict  # reverse one-to-one
    except ObjectDoesNotExist:
        return False


def can_use_template(user: User, template: ExerciseTemplate) -> bool:
    """May this user assign the template (a built-in, or their own)?"""
    if not _active(user) or user.role != Role.COUNSELOR or template.is_archived:
        return False
    return template.is_builtin or template.owner_id == user.pk


def carries_a_measure(template: ExerciseTemplate) -> bool:
    """A measure's template: its fields are the measure's items, so it is
    changed as a measure, never in the exercise library."""
    return ExerciseTemplate.objects.filter(pk=template.pk, measure_link__isnull=False).exists()


def can_edit_template(user: User, template: ExerciseTemplate) -> bool:
    """Built-ins are edited by copying them; a counselor edits only their own."""
    return (
        _active(user)
        and user.role == Role.COUNSELOR
        and not template.is_builtin
        and template.owner_id == user.pk
        and not carries_a_measure(template)
    )


def can_copy_template(user: User, template: ExerciseTemplate) -> bool:
    return (
        _active(user)
        and user.role == Role.COUNSELOR
        and (template.is_builtin or template.owner_id == user.pk)
        and not carries_a_measure(template)
    )


def can_manage_assignments(user: User, couple: Couple) -> bool:
    """Assign, pause, resume, end, review, comment: the couple's counselors."""
    return _active(user) and is_on_caseload(user, couple)


def can_respond(user: User, assignment: Assignment) -> bool:
    """May this user write an answer for an occurrence of the assignment now?"""
    return (
        _active(user)
        and user.role == Role.CLIENT
        and is_partner_in(user, assignment.couple)
        and assignment.status == AssignmentStatus.ACTIVE
    )


def partner_may_see(*, visibility: str, high_conflict: bool, viewer_has_submitted: bool) -> bool:
    """May a partner see the other partner's *submitted* answer?"""
    if high_conflict or visibility == Visibility.COUNSELOR_ONLY:
        return False
    if visibility == Visibility.AT_ONCE:
        return True
    return visibility == Visibility.AFTER_BOTH and viewer_has_submitted


def partners_share_answers(*, visibility: str, high_conflict: bool, is_joint: bool) -> bool:
    """May a partner learn anything at all of the other partner's answer to an
    occurrence: that it exists, that both are done, when (``completed_at``),
    "your partner has finished"? Not under "counselor only", not while the
    couple is high-conflict; a joint answer is both partners' own."""
    return is_joint or not (high_conflict or visibility == Visibility.COUNSELOR_ONLY)


def partners_share_answers_q() -> Q:
    """partners_share_answers for a queryset of occurrences, in SQL."""
    return Q(assignment__completion_mode=CompletionMode.JOINT) | (
        ~Q(assignment__visibility=Visibility.COUNSELOR_ONLY)
        & ~Q(assignment__couple__exercise_settings__high_conflict=True)
    )


def _has_submitted(user: User, occurrence: Occurrence) -> bool:
    return Response.objects.filter(occurrence=occurrence, author=user, state=ResponseState.SUBMITTED).exists()


def can_view_response(user: User, response: Response, *, viewer_has_submitted: bool | None = None) -> bool:
    """The reveal rules above. ``viewer_has_submitted`` may be passed when the
    caller already knows it, to save a query."""
    if not _active(user):
        return False
    assignment = response.occurrence.assignment
    couple = assignment.couple
    if user.role == Role.COUNSELOR:
        return response.state == ResponseState.SUBMITTED and is_on_caseload(user, couple)
    if user.role != Role.CLIENT or not is_partner_in(user, couple):
        return False  # practice admins included: never answer content
    if response.author_id is None or response.author_id == user.pk:
        return True  # one's own answer, or the couple's joint one
    if response.state != ResponseState.SUBMITTED:
        return False
    if viewer_has_submitted is None:
        viewer_has_submitted = _has_submitted(user, response.occurrence)
    return partner_may_see(
        visibility=assignment.visibility,
        high_conflict=is_high_conflict(couple),
        viewer_has_submitted=viewer_has_submitted,
    )


def can_view_comment(user: User, comment: Comment) -> bool:
    """A comment on an answer is as private as the answer; a comment on an
    occurrence is for the couple and their counselors."""
    if not _active(user):
        return False
    if comment.response_id is not None and comment.response is not None:
        return can_view_response(user, comment.response)
    couple = comment.occurrence.assignment.couple
    return is_on_caseload(user, couple) or (user.role == Role.CLIENT and is_partner_in(user, couple))
