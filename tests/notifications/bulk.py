"""Many due reminders, fast (bulk inserts), for the concurrency and worker tests."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import uuid4

from accounts.models import Couple, Role, User
from exercises.models import Assignment, ExerciseTemplate, Occurrence
from notifications.models import Reminder, ReminderKind


def due_reminders(
    *, couples: int, per_partner: int, counselor: User, template: ExerciseTemplate, now: datetime
) -> list[int]:
    """``couples`` new couples, each with ``per_partner`` one-off assignments
    due yesterday and an overdue reminder due a minute ago for each partner
    and assignment: couples * 2 * per_partner reminders. Returns their ids."""
    run = uuid4().hex[:8]
    partners = User.objects.bulk_create(
        User(email=f"p{n}-{run}@bulk.test", full_name=f"Partner {n}", role=Role.CLIENT, password="!unusable")
        for n in range(couples * 2)
    )
    pairs = Couple.objects.bulk_create(
        Couple(partner_one=partners[2 * n], partner_two=partners[2 * n + 1], primary_counselor=counselor)
        for n in range(couples)
    )
    due = now - timedelta(days=1)
    assignments = Assignment.objects.bulk_create(
        Assignment(
            template=template,
            couple=couple,
            assigned_by=counselor,
            fields=template.fields,
            completion_mode=template.completion_mode,
            visibility=template.visibility,
            starts_on=due.date(),
            due_at=due,
            due_time=due.time(),
            generate_from=due - timedelta(days=1),
        )
        for couple in pairs
        for _ in range(per_partner)
    )
    occurrences = Occurrence.objects.bulk_create(Occurrence(assignment=a, sequence=1, due_at=due) for a in assignments)
    by_couple = {couple.pk: couple for couple in pairs}
    reminders = Reminder.objects.bulk_create(
        Reminder(
            kind=ReminderKind.EXERCISE_OVERDUE,
            recipient_id=partner_id,
            occurrence=occurrence,
            object_key=f"occurrence:{occurrence.pk}",
            due_at=now - timedelta(minutes=1),
        )
        for occurrence in occurrences
        for partner_id in (
            by_couple[occurrence.assignment.couple_id].partner_one_id,
            by_couple[occurrence.assignment.couple_id].partner_two_id,
        )
    )
    return [r.pk for r in reminders]
