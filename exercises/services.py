"""Business rules for exercises: every change goes through a function here.

Pages, the API, the admin and tasks call these; each checks who is acting
(PermissionDenied if they may not), validates (ValidationError keyed by field,
before anything is written), and records sensitive changes with
accounts.services.audit_record. Audit rows never hold answer content.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import AuditAction, AuditEvent, Couple, CoupleStatus, Role, User
from accounts.services import audit_record
from exercises import recurrence, signals
from exercises.fields import FieldSpec, clean_answers
from exercises.models import (
    Assignment,
    AssignmentStatus,
    Category,
    Comment,
    CompletionMode,
    CoupleExerciseSettings,
    ExerciseTemplate,
    Occurrence,
    Response,
    ResponseState,
    ResponseVersion,
    TemplateKind,
    Visibility,
)
from portal import policy
from portal.errors import require

# How far ahead recurring occurrences exist, so that "due this week" and
# reminders have rows to work with; a periodic task keeps the window rolling.
OCCURRENCE_WINDOW = timedelta(days=14)
# How far ahead we look for a recurrence's first date when checking that it has one.
_SCHEDULE_HORIZON = timedelta(days=3 * 366)


# --- Templates -------------------------------------------------------------------


def _unique_slug(owner: User | None, title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100] or "exercise"
    same_owner = ExerciseTemplate.objects.filter(owner=owner, slug__startswith=base)
    if exclude_pk is not None:
        same_owner = same_owner.exclude(pk=exclude_pk)
    taken = set(same_owner.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save_template(template: ExerciseTemplate) -> ExerciseTemplate:
    # full_clean runs ExerciseTemplate.clean, which validates and normalises fields.
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def template_create(
    *,
    owner: User,
    title: str,
    summary: str,
    instructions: str,
    fields: list[FieldSpec],
    estimated_minutes: int = 15,
    category: str = Category.OTHER,
    completion_mode: str = CompletionMode.EACH_PARTNER,
    visibility: str = Visibility.AFTER_BOTH,
    kind: str = TemplateKind.ONCE,
) -> ExerciseTemplate:
    require(owner.is_active and owner.role == Role.COUNSELOR, "Only counselors write exercise templates.")
    template = ExerciseTemplate(
        owner=owner,
        is_builtin=False,
        title=title.strip(),
        slug=_unique_slug(owner, title),
        summary=summary.strip(),
        instructions=instructions.strip(),
        fields=fields,
        estimated_minutes=estimated_minutes,
        category=category,
        completion_mode=completion_mode,
        visibility=visibility,
        kind=kind,
    )
    _save_template(template)
    audit_record(actor=owner, action=AuditAction.EXERCISE_TEMPLATE_CREATED, target=template)
    return template


TEMPLATE_EDITABLE = (
    "title",
    "summary",
    "instructions",
    "fields",
    "estimated_minutes",
    "category",
    "completion_mode",
    "visibility",
    "kind",
    "is_archived",
)


@transaction.atomic
def template_update(*, template: ExerciseTemplate, actor: User, **changes: Any) -> ExerciseTemplate:
    """Change a counselor's own template: pass only what changes, among
    TEMPLATE_EDITABLE. Assignments already made keep their copy of the fields
    and visibility, so this never changes what a partner was promised."""
    require(policy.can_edit_template(actor, template), "You can edit only your own templates; copy a built-in first.")
    return _template_change(template, actor=actor, changes=changes)


@transaction.atomic
def template_follow_measure(*, template: ExerciseTemplate, actor: User, **changes: Any) -> ExerciseTemplate:
    """Put a measure's template back in step with its measure (progress
    calls this when the measure changed). Not editable in the library, so
    not through template_update; only its owner's own actions reach it."""
    require(
        policy.carries_a_measure(template) and template.owner_id == actor.pk,
        "Only a measure's own template follows the measure.",
    )
    return _template_change(template, actor=actor, changes=changes)


def _template_change(template: ExerciseTemplate, *, actor: User, changes: dict[str, Any]) -> ExerciseTemplate:
    unknown = set(changes) - set(TEMPLATE_EDITABLE)
    if unknown:
        raise ValidationError(f"These cannot be changed: {', '.join(sorted(unknown))}.")
    for name, value in changes.items():
        setattr(template, name, value.strip() if name in ("title", "summary", "instructions") else value)
    _save_template(template)
    audit_record(actor=actor, action=AuditAction.EXERCISE_TEMPLATE_UPDATED, target=template, changed=sorted(changes))
    return template


@transaction.atomic
def template_copy(*, template: ExerciseTemplate, counselor: User) -> ExerciseTemplate:
    """An editable copy, owned by the counselor, of a built-in (or their own)."""
    require(policy.can_copy_template(counselor, template), "You can copy built-ins and your own templates only.")
    copy = ExerciseTemplate(
        owner=counselor,
        is_builtin=False,
        copied_from=template,
        title=template.title,
        slug=_unique_slug(counselor, template.title),
        summary=template.summary,
        instructions=template.instructions,
        fields=template.fields,
        estimated_minutes=template.estimated_minutes,
        category=template.category,
        completion_mode=template.completion_mode,
        visibility=template.visibility,
        kind=template.kind,
    )
    _save_template(copy)
    audit_record(actor=counselor, action=AuditAction.EXERCISE_TEMPLATE_COPIED, target=copy, copied_from=template.pk)
    return copy


# --- Assignments -------------------------------------------------------------------


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
        raise ValidationError({"due_on": "Give either a due date or a recurrence."})
    if due_on is not None:
        if due_on < starts_on:
            raise ValidationError({"due_on": "The due date cannot be before the start date."})
        due_at = recurrence.local_to_utc(datetime.combine(due_on, due_time), couple.time_zone)
        if due_at <= now:
            raise ValidationError({"due_on": "That due time has already passed."})
        return due_at, ""
    rrule = recurrence.normalize(rrule)
    if not _recurrence_first_due(rrule, starts_on=starts_on, due_time=due_time, time_zone=couple.time_zone, after=now):
        raise ValidationError({"rrule": "This schedule has no dates left: check its start and end."})
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
    require(policy.can_manage_assignments(counselor, couple), "You can assign exercises only to your own couples.")
    if not policy.can_use_template(counselor, template):
        raise ValidationError({"template": "Choose a built-in exercise or one of your own."})
    if couple.status != CoupleStatus.ACTIVE:
        raise ValidationError("Exercises can be assigned only to an active couple.")
    due_at, rrule = _schedule(
        couple=couple, starts_on=starts_on, due_time=due_time, due_on=due_on, rrule=rrule, now=now
    )
    assignment = Assignment(
        template=template,
        couple=couple,
        assigned_by=counselor,
        note=note.strip(),
        fields=template.fields,
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
    require(policy.can_manage_assignments(counselor, locked.couple), "This assignment is not on your caseload.")
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


def _set_status(
    assignment: Assignment, counselor: User, *, allowed_from: tuple[str, ...], status: str, now: datetime | None
) -> Assignment:
    now = now or timezone.now()
    locked = _lock_assignment(assignment, counselor)
    if locked.status not in allowed_from:
        raise ValidationError({"status": f"This assignment is {locked.get_status_display().lower()}."})
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


# --- Occurrences -------------------------------------------------------------------


def occurrences_generate(*, assignment: Assignment, until: datetime) -> int:
    """Create the assignment's occurrences due up to ``until``; returns how
    many were new. Safe to run again and concurrently: existing ones are
    skipped and the unique (assignment, due_at) constraint absorbs races."""
    if assignment.status != AssignmentStatus.ACTIVE:
        return 0
    if not assignment.is_recurring:
        assert assignment.due_at is not None  # the table's check constraint guarantees it
        wanted = [(1, assignment.due_at)]
    else:
        assert assignment.due_time is not None
        wanted = [
            (sequence, due_at)
            for sequence, due_at in recurrence.occurrences(
                assignment.rrule,
                starts_on=assignment.starts_on,
                due_time=assignment.due_time,
                time_zone=assignment.couple.time_zone,
                until=until,
            )
            if due_at >= assignment.generate_from
        ]
    existing = set(
        Occurrence.objects.filter(assignment=assignment, sequence__in=[s for s, _ in wanted]).values_list(
            "sequence", flat=True
        )
    )
    new = [Occurrence(assignment=assignment, sequence=s, due_at=d) for s, d in wanted if s not in existing]
    if new:
        Occurrence.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def occurrences_generate_upcoming(*, now: datetime | None = None, window: timedelta = OCCURRENCE_WINDOW) -> int:
    """Roll every active recurring assignment's window forward (periodic task)."""
    until = (now or timezone.now()) + window
    active = Assignment.objects.filter(status=AssignmentStatus.ACTIVE).exclude(rrule="").select_related("couple")
    return sum(occurrences_generate(assignment=assignment, until=until) for assignment in active.iterator())


# --- Responses ---------------------------------------------------------------------


def _lock_occurrence_for_answer(occurrence: Occurrence, user: User) -> Occurrence:
    locked = (
        Occurrence.objects.select_for_update(of=("self",)).select_related("assignment__couple").get(pk=occurrence.pk)
    )
    assignment = locked.assignment
    if not policy.can_respond(user, assignment):
        if user.role == Role.CLIENT and policy.is_partner_in(user, assignment.couple):
            raise ValidationError(f"This exercise is {assignment.get_status_display().lower()}: it takes no answers.")
        raise PermissionDenied("Only the couple's partners answer their exercises.")
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
        raise ValidationError("This answer is already submitted: submit your changes instead.")
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
        raise ValidationError("Your counselor has already reviewed this answer, so it can no longer be changed.")
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
        "This answer is not on your caseload.",
    )
    if locked.occurrence.assignment.template.kind == TemplateKind.PRACTICE:
        # A ritual is followed through its periods and streaks; a reviewed
        # log would also lock the partner out of correcting it.
        raise ValidationError("A ritual's logs are followed through its streak, not reviewed one by one.")
    if not locked.is_submitted:
        raise ValidationError("Only a submitted answer can be marked reviewed.")
    if locked.is_reviewed:
        return locked  # already done: marking twice changes nothing
    locked.reviewed_at = now or timezone.now()
    locked.reviewed_by = counselor
    locked.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    audit_record(actor=counselor, action=AuditAction.RESPONSE_REVIEWED, target=locked)
    return locked


# --- Comments, settings, answer access -----------------------------------------------


@transaction.atomic
def comment_add(
    *, counselor: User, body: str, occurrence: Occurrence | None = None, response: Response | None = None
) -> Comment:
    """A counselor's comment on an occurrence, or on one submitted answer (then
    only those who may read that answer see the comment)."""
    if (occurrence is None) == (response is None):
        raise ValidationError("Comment on an occurrence or on an answer.")
    if response is not None:
        occurrence = response.occurrence
    assert occurrence is not None
    require(
        policy.can_manage_assignments(counselor, occurrence.assignment.couple),
        "Only the couple's counselors comment on their exercises.",
    )
    if response is not None and not response.is_submitted:
        raise ValidationError({"response": "Comment on an answer once it is submitted."})
    comment = Comment(occurrence=occurrence, response=response, author=counselor, body=body.strip())
    if not comment.body:
        raise ValidationError({"body": "Write a comment."})
    comment.full_clean()
    comment.save()
    audit_record(actor=counselor, action=AuditAction.EXERCISE_COMMENT_ADDED, target=comment, occurrence=occurrence.pk)
    return comment


@transaction.atomic
def couple_set_high_conflict(*, couple: Couple, counselor: User, high_conflict: bool) -> CoupleExerciseSettings:
    """Turn cross-partner sharing of answers off (or back on) for a couple."""
    require(policy.can_manage_assignments(counselor, couple), "Only the couple's counselors change this.")
    settings_row, _ = CoupleExerciseSettings.objects.update_or_create(
        couple=couple, defaults={"high_conflict": high_conflict, "updated_by": counselor}
    )
    audit_record(
        actor=counselor, action=AuditAction.COUPLE_HIGH_CONFLICT_SET, target=couple, high_conflict=high_conflict
    )
    # Readers of couple.exercise_settings in this request must see the change.
    couple.exercise_settings = settings_row  # type: ignore[attr-defined]
    return settings_row


def _is_own(viewer: User, response: Response) -> bool:
    if response.author_id is None:
        couple = response.occurrence.assignment.couple
        return viewer.pk in (couple.partner_one_id, couple.partner_two_id)
    return response.author_id == viewer.pk


def _access_details(response: Response, with_versions: bool) -> dict[str, Any]:
    details: dict[str, Any] = {"occurrence": response.occurrence_id, "version": response.version}
    if with_versions:
        # Which earlier versions were shown too: their numbers, never their content.
        details["earlier_versions"] = [version.version for version in response.versions.all()]
    return details


def responses_record_access(*, viewer: User, responses: Iterable[Response], with_versions: bool = False) -> None:
    """Audit that ``viewer`` opened these answers (one insert for all).

    Called by every page and endpoint that shows answer content. A partner
    reading their own (or their joint) answer is not recorded; anyone else,
    counselor or the other partner, is. ``with_versions``: the earlier
    versions (prefetch ``versions``) were shown as well, and are named."""
    now = timezone.now()
    events = [
        AuditEvent(
            actor=viewer,
            action=AuditAction.RESPONSE_VIEWED,
            target_type=Response._meta.label_lower,
            target_id=str(response.pk),
            details=_access_details(response, with_versions),
            created_at=now,
        )
        for response in responses
        if not _is_own(viewer, response)
    ]
    if events:
        AuditEvent.objects.bulk_create(events)


def rituals_record_access(*, viewer: User, assignments: Iterable[Assignment]) -> None:
    """Audit that ``viewer`` saw the ritual summary of these practice
    assignments (which partner logged that it happened): one row per
    assignment, one insert for all. Ids only, never the logs."""
    now = timezone.now()
    events = [
        AuditEvent(
            actor=viewer,
            action=AuditAction.RITUAL_SUMMARY_VIEWED,
            target_type=Assignment._meta.label_lower,
            target_id=str(assignment.pk),
            details={"couple": assignment.couple_id},
            created_at=now,
        )
        for assignment in assignments
    ]
    if events:
        AuditEvent.objects.bulk_create(events)


def response_open(*, viewer: User, response: Response) -> Response:
    """The answer, if ``viewer`` may read it (else 404, as elsewhere), with the
    access recorded."""
    if not policy.can_view_response(viewer, response):
        raise Http404("No such answer.")
    responses_record_access(viewer=viewer, responses=[response])
    return response
