"""How reminders follow exercises: an answer submitted, an assignment
paused, resumed or ended. Called by notifications.receivers from the
signals exercises sends inside its own transactions, so what changes here
commits or rolls back with the exercise's change.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from accounts.models import OPEN_COUPLE_STATUSES, Couple, User
from exercises.models import Assignment, AssignmentStatus, CoupleExerciseSettings, Occurrence, Response, Visibility
from notifications import selectors, timing
from notifications.models import Reminder, ReminderKind, occurrence_key
from notifications.services.planning import cancel_pending, reminders_plan_occurrences
from portal import policy


def reminders_on_response_submitted(*, occurrence: Occurrence, response: Response, now: datetime | None = None) -> None:
    """From exercises.services.response_submit, in its transaction.

    The submitter's pending reminders about this occurrence become moot and
    are cancelled (both partners' for a joint answer). When the exercise is
    revealed "after both", the other partner, if they have not submitted and
    opted in (default on), is told that their partner has finished: the
    reminder says nothing of what was written."""
    now = now or timezone.now()
    assignment = occurrence.assignment
    couple = assignment.couple
    submitters = [couple.partner_one_id, couple.partner_two_id] if response.author_id is None else [response.author_id]
    cancel_pending(
        Reminder.objects.filter(occurrence=occurrence, recipient_id__in=submitters), reason="answered", now=now
    )
    if (
        response.author_id is None
        or assignment.visibility != Visibility.AFTER_BOTH
        or assignment.is_joint
        # Nothing will be revealed: no "your turn". Asked of the database, not
        # through couple.exercise_settings, whose cached answer would outlive
        # a later change for callers holding this couple.
        or CoupleExerciseSettings.objects.filter(couple_id=couple.pk, high_conflict=True).exists()
    ):
        return
    other_id = couple.partner_two_id if response.author_id == couple.partner_one_id else couple.partner_one_id
    if response.author_id not in (couple.partner_one_id, couple.partner_two_id):
        return
    if other_id in selectors.submitted_authors([occurrence.pk]).get(occurrence.pk, set()):
        return
    if response.author is not None and policy.in_safety_mode(response.author):
        return  # the other partner is told nothing of a partner in safety mode
    other = User.objects.only("pk", "time_zone", "is_active").get(pk=other_id)
    pref = selectors.preference_for(other)
    if not other.is_active or not pref.partner_finished:
        return
    at = timing.fit_to_waking_hours(
        now, now=now, deadline=None, time_zone=other.time_zone, start=pref.quiet_start, end=pref.quiet_end
    )
    assert at is not None
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=ReminderKind.PARTNER_FINISHED,
                recipient_id=other_id,
                occurrence=occurrence,
                object_key=occurrence_key(occurrence.pk),
                due_at=at,
            )
        ],
        ignore_conflicts=True,  # an edited answer does not tell them twice
    )


def reminders_on_assignment_status_changed(*, assignment: Assignment, now: datetime | None = None) -> None:
    """From exercises' pause/resume/end, in its transaction: a paused or
    ended assignment's pending reminders are cancelled; a resumed one's open
    occurrences are planned again (reopening what the pause cancelled)."""
    now = now or timezone.now()
    reminders = Reminder.objects.filter(occurrence__assignment=assignment)
    if assignment.status != AssignmentStatus.ACTIVE:
        cancel_pending(reminders, reason=f"assignment {assignment.status}", now=now)
        return
    open_ = list(
        Occurrence.objects.filter(assignment=assignment, completed_at__isnull=True).select_related("assignment__couple")
    )
    reminders_plan_occurrences(occurrences=open_, now=now, reopen=True)


def reminders_on_safety_mode_changed(*, user_id: int, on: bool, now: datetime | None = None) -> int:
    """From accounts.services.safety_mode_set, in its transaction: once a
    partner is in safety mode, the pending notices telling the other partner
    that they have finished an exercise are cancelled (new ones are not
    planned: reminders_on_response_submitted). Returns how many."""
    if not on:
        return 0
    couples = Couple.objects.filter(
        Q(partner_one_id=user_id) | Q(partner_two_id=user_id), status__in=OPEN_COUPLE_STATUSES
    )
    about_them = Reminder.objects.filter(
        kind=ReminderKind.PARTNER_FINISHED, occurrence__assignment__couple__in=couples
    ).exclude(recipient_id=user_id)
    return cancel_pending(about_them, reason="partner in safety mode", now=now or timezone.now())
