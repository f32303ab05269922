"""Assignments: a counselor gives a template to a couple, once or on a
recurrence, then pauses, resumes or ends it, or edits its note."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, Couple, CoupleStatus, User
from accounts.services import audit_record
from exercises import recurrence, signals
from exercises.models import Assignment, AssignmentStatus, ExerciseTemplate
from exercises.services.occurrences import OCCURRENCE_WINDOW, occurrences_generate
from exercises.translations import snapshot_for_assignment
from portal import policy
from portal.errors import require

# How far ahead we look for a recurrence's first date when checking that it has one.
_SCHEDULE_HORIZON = timedelta(days=3 * 366)


def _recurrence_first_due(rrule: str, *, starts_on: date, due_time: time, time_zone: str, after: datetime) -> bool:
    horizon = after + _SCHEDULE_HORIZON
    return any(
        due_at >= after
        for _, due_at in recurrence.occurrences(
            rrule, starts_on=starts_on, due_time=due_time, time_zone=time_zone, until=horizon
        )
    )


def _schedule(
    *, couple: Couple, starts_on: date, due_time: time, due_on: date | None, rrule: str, now: datetime
) -> tuple[datetime | None, str]:
    """(due_at, canonical rrule) for a one-off or a recurring assignment."""
    if (due_on is None) == (not rrule):
        raise ValidationError({"due_on": gettext("Give either a due date or a recurrence.")})
    if due_on is not None:
        if due_on < starts_on:
            raise ValidationError({"due_on": gettext("The due date cannot be before the start date.")})
        due_at = recurrence.local_to_utc(datetime.combine(due_on, due_time), couple.time_zone)
        if due_at <= now:
            raise ValidationError({"due_on": gettext("That due time has already passed.")})
        return due_at, ""
    rrule = recurrence.normalize(rrule)
    if not _recurrence_first_due(rrule, starts_on=starts_on, due_time=due_time, time_zone=couple.time_zone, after=now):
        raise ValidationError({"rrule": gettext("This schedule has no dates left: check its start and end.")})
    return None, rrule


@transaction.atomic
def assignment_create(
    *,
    counselor: User,
    couple: Couple,
    template: ExerciseTemplate,
    starts_on: date,
    due_time: time,
    due_on: date | None = None,
    rrule: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Assignment:
    """Give a template to a couple on the counselor's caseload, due once (due_on
    at due_time) or on a recurrence (rrule, at due_time), both in the couple's
    time zone. Occurrences for the coming window are created at once."""
    now = now or timezone.now()
    require(
        policy.can_manage_assignments(counselor, couple), gettext("You can assign exercises only to your own couples.")
    )
    if not policy.can_use_template(counselor, template):
        raise ValidationError({"template": gettext("Choose a built-in exercise or one of your own.")})
    if couple.status != CoupleStatus.ACTIVE:
        raise ValidationError(gettext("Exercises can be assigned only to an active couple."))
    due_at, rrule = _schedule(
        couple=couple, starts_on=starts_on, due_time=due_time, due_on=due_on, rrule=rrule, now=now
    )
    assignment = Assignment(
        template=template,
        couple=couple,
        assigned_by=counselor,
        note=note.strip(),
        fields=template.fields,
        language=template.language,
        translations=snapshot_for_assignment(template),
        completion_mode=template.completion_mode,
        visibility=template.visibility,
        starts_on=starts_on,
        due_at=due_at,
        rrule=rrule,
        due_time=due_time,
        generate_from=now,
    )
    assignment.full_clean()
    assignment.save()
    occurrences_generate(assignment=assignment, until=now + OCCURRENCE_WINDOW)
    audit_record(actor=counselor, action=AuditAction.ASSIGNMENT_CREATED, target=assignment, couple=couple.pk)
    return assignment


def _lock_assignment(assignment: Assignment, counselor: User) -> Assignment:
    locked = Assignment.objects.select_for_update(of=("self",)).select_related("couple").get(pk=assignment.pk)
    require(
        policy.can_manage_assignments(counselor, locked.couple), gettext("This assignment is not on your caseload.")
    )
    return locked


def _drop_future_unstarted(assignment: Assignment, now: datetime) -> int:
    """Remove a recurring assignment's upcoming occurrences nobody has
    touched: they are only the schedule projected ahead, and a paused or
    ended assignment should not show as due. Anything with an answer or a
    comment stays, as history. A one-off's single occurrence always stays."""
    if not assignment.is_recurring:
        return 0
    deleted, _ = assignment.occurrences.filter(due_at__gt=now, responses__isnull=True, comments__isnull=True).delete()
    return deleted


# Why a status change is refused: the assignment is already in that state.
_STATUS_IS = {
    "active": lambda: gettext("This assignment is active."),
    "paused": lambda: gettext("This assignment is paused."),
    "ended": lambda: gettext("This assignment is ended."),
}


def _set_status(
    assignment: Assignment, counselor: User, *, allowed_from: tuple[str, ...], status: str, now: datetime | None
) -> Assignment:
    now = now or timezone.now()
    locked = _lock_assignment(assignment, counselor)
    if locked.status not in allowed_from:
        raise ValidationError({"status": _STATUS_IS[locked.status]() if locked.status in _STATUS_IS else locked.status})
    previous = locked.status
    locked.status = status
    if status == AssignmentStatus.ENDED:
        locked.ended_at = now
    if status == AssignmentStatus.ACTIVE:
        locked.generate_from = now  # the paused stretch stays a gap
    locked.save(update_fields=["status", "ended_at", "generate_from", "updated_at"])
    if status == AssignmentStatus.ACTIVE:
        occurrences_generate(assignment=locked, until=now + OCCURRENCE_WINDOW)
    else:
        _drop_future_unstarted(locked, now)
    signals.assignment_status_changed.send(sender=Assignment, assignment=locked, now=now)
    audit_record(actor=counselor, action=AuditAction(f"assignment.{status}"), target=locked, previous=previous)
    return locked


@transaction.atomic
def assignment_pause(*, assignment: Assignment, counselor: User, now: datetime | None = None) -> Assignment:
    return _set_status(
        assignment, counselor, allowed_from=(AssignmentStatus.ACTIVE,), status=AssignmentStatus.PAUSED, now=now
    )


@transaction.atomic
def assignment_resume(*, assignment: Assignment, counselor: User, now: datetime | None = None) -> Assignment:
    return _set_status(
        assignment, counselor, allowed_from=(AssignmentStatus.PAUSED,), status=AssignmentStatus.ACTIVE, now=now
    )


@transaction.atomic
def assignment_end(*, assignment: Assignment, counselor: User, now: datetime | None = None) -> Assignment:
    """End for good; past occurrences, answers and comments are kept."""
    return _set_status(
        assignment,
        counselor,
        allowed_from=(AssignmentStatus.ACTIVE, AssignmentStatus.PAUSED),
        status=AssignmentStatus.ENDED,
        now=now,
    )


@transaction.atomic
def assignment_update_note(*, assignment: Assignment, counselor: User, note: str) -> Assignment:
    locked = _lock_assignment(assignment, counselor)
    locked.note = note.strip()
    locked.full_clean(exclude=["template", "couple", "assigned_by"])
    locked.save(update_fields=["note", "updated_at"])
    audit_record(actor=counselor, action=AuditAction.ASSIGNMENT_NOTE_UPDATED, target=locked)
    return locked
