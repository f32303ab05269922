"""Who may do and see what with exercises (in the style of accounts.policy).

The reveal rules for a client's answer:

- its author sees it, draft or submitted; both partners see a joint answer;
- a counselor of the couple's caseload sees it once it is submitted (a draft
  is the partner's unsent notes);
- the other partner sees a submitted answer only if the assignment's
  visibility is "at once", or "after both" and they have submitted their own
  answer to the same occurrence; never if it is "counselor only", and never
  while the couple is marked high-conflict;
- a practice admin never sees answer content (minimum necessary), nor does
  anyone else.

``exercises.selectors.responses_visible_to`` applies the same rules in SQL;
tests check that the two agree.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from accounts.models import Couple, Role, User
from accounts.policy import is_on_caseload, is_partner_in
from exercises.models import (
    Assignment,
    AssignmentStatus,
    Comment,
    ExerciseTemplate,
    Occurrence,
    Response,
    ResponseState,
    Visibility,
)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_high_conflict(couple: Couple) -> bool:
    try:
        return couple.exercise_settings.high_conflict  # type: ignore[attr-defined]  # reverse one-to-one
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
