"""Occurrences: the dated instances of an assignment, created ahead for a
rolling window."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from exercises import recurrence
from exercises.models import Assignment, AssignmentStatus, Occurrence

# How far ahead recurring occurrences exist, so that "due this week" and
# reminders have rows to work with; a periodic task keeps the window rolling.
OCCURRENCE_WINDOW = timedelta(days=14)


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
