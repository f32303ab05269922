"""Queries for reminders and notifications (reads only; changes are in services)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from accounts.models import Couple, CoupleStatus, User
from exercises.models import AssignmentStatus, Occurrence, Response, ResponseState, TemplateKind
from notifications.models import InAppNotification, NotificationPreference, Reminder, ReminderKind, ReminderState


def preferences_for(user_ids: Iterable[int]) -> dict[int, NotificationPreference]:
    """Each user's preferences; the defaults (unsaved) for users without a row."""
    ids = set(user_ids)
    found = {p.user_id: p for p in NotificationPreference.objects.filter(user_id__in=ids)}
    return {uid: found.get(uid) or NotificationPreference(user_id=uid) for uid in ids}


def preference_for(user: User) -> NotificationPreference:
    return preferences_for([user.pk])[user.pk]


def due_reminders(now: datetime) -> QuerySet[Reminder]:
    """Pending reminders whose time has come, oldest first (reminder_pending_due_id index)."""
    return Reminder.objects.filter(state=ReminderState.PENDING, due_at__lte=now).order_by("due_at", "pk")


def lapsed_leases(now: datetime) -> QuerySet[Reminder]:
    """Reminders being sent whose holder has gone quiet: never taken by a task
    (broker down, message lost) or taken by a worker that died."""
    return Reminder.objects.filter(state=ReminderState.SENDING, lease_expires_at__lt=now).order_by(
        "lease_expires_at", "pk"
    )


# The columns an exercise reminder's checks and e-mail read. Building every
# column of the user, the assignment (its copy of the questions) and the
# template cost more than the rest of the query: a tenth of a worker's time
# per message. Appointments and their rows are loaded whole. A field missing
# here costs a query per e-mail, which the delivery query-count tests catch.
DELIVERY_FIELDS = (
    "kind",
    "object_key",
    "due_at",
    "expires_at",
    "state",
    "attempts",
    "last_error",
    "recipient__email",
    "recipient__full_name",
    "recipient__time_zone",
    "recipient__is_active",
    "recipient__role",
    "recipient__language",  # each e-mail and notice is written in it (accounts.languages)
    "recipient__safety__safety_mode",  # safety mode: the neutral notice instead
    "occurrence__due_at",
    "occurrence__assignment__status",
    "occurrence__assignment__template__title",
    "occurrence__assignment__template__slug",  # with is_builtin: the safety check-in is named discreetly
    "occurrence__assignment__template__is_builtin",
    "occurrence__assignment__template__language",  # with translations: the title in the reader's language
    "occurrence__assignment__template__translations",
    "occurrence__assignment__couple__status",
    "occurrence__assignment__visibility",
    "occurrence__assignment__couple__exercise_settings__high_conflict",
    "appointment",
    "thread_id",  # a message notice's link
)


def reminders_for_delivery(ids: Iterable[int]) -> list[Reminder]:
    """The reminders with what their e-mail needs, joined (no answer content)."""
    return list(
        Reminder.objects.filter(pk__in=list(ids))
        .select_related(
            "recipient__safety",
            "occurrence__assignment__template",
            "occurrence__assignment__couple__exercise_settings",
            "appointment__location",
            "appointment__counselor",
            "appointment__couple",
        )
        .only(*DELIVERY_FIELDS)
        .order_by("pk")
    )


def submitted_authors(occurrence_ids: Iterable[int]) -> dict[int, set[int | None]]:
    """{occurrence id: authors of its submitted answers (None: the joint one)}."""
    result: dict[int, set[int | None]] = defaultdict(set)
    rows = Response.objects.filter(occurrence_id__in=list(occurrence_ids), state=ResponseState.SUBMITTED).values_list(
        "occurrence_id", "author_id"
    )
    for occurrence_id, author_id in rows:
        result[occurrence_id].add(author_id)
    return result


def occurrences_to_plan(*, now: datetime, since: datetime, until: datetime) -> QuerySet[Occurrence]:
    """Open occurrences of active assignments, due between ``since`` and
    ``until``, that have no overdue reminder yet: every occurrence planned for
    someone has one (due-soon may rightly be missing), so this finds the ones
    never planned, cheaply, at every sweep."""
    planned = Reminder.objects.filter(occurrence=OuterRef("pk"), kind=ReminderKind.EXERCISE_OVERDUE)
    return (
        Occurrence.objects.filter(
            completed_at__isnull=True,
            due_at__gte=since,
            due_at__lte=until,
            assignment__status=AssignmentStatus.ACTIVE,
            assignment__couple__status=CoupleStatus.ACTIVE,
        )
        .filter(~Exists(planned))
        .select_related("assignment__couple")
        .order_by("due_at", "pk")
    )


def unread_count(user: User) -> int:
    return InAppNotification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user: User) -> QuerySet[InAppNotification]:
    return InAppNotification.objects.filter(user=user).order_by("-created_at", "-pk")


def failed_reminders() -> QuerySet[Reminder]:
    """For the practice admins' list: newest failures first."""
    return (
        Reminder.objects.filter(state=ReminderState.FAILED)
        .select_related("recipient")
        .defer("recipient__password")
        .order_by("-updated_at", "-pk")
    )


def digest_for(counselor_id: int, *, since: datetime, until: datetime) -> list[dict[str, object]]:
    """The counselor's weekly digest: per active couple on their caseload,
    exercises completed in [since, until), overdue ones, and submitted answers
    waiting for their review. Counts and names only, never answer content."""
    couples = (
        Couple.objects.filter(primary_counselor_id=counselor_id, status=CoupleStatus.ACTIVE)
        .select_related("partner_one", "partner_two")
        .annotate(
            completed=Count(
                "exercise_assignments__occurrences",
                filter=Q(
                    exercise_assignments__occurrences__completed_at__gte=since,
                    exercise_assignments__occurrences__completed_at__lt=until,
                ),
                distinct=True,
            ),
            overdue=Count(
                "exercise_assignments__occurrences",
                filter=Q(
                    exercise_assignments__status=AssignmentStatus.ACTIVE,
                    exercise_assignments__occurrences__completed_at__isnull=True,
                    exercise_assignments__occurrences__due_at__lt=until,
                ),
                distinct=True,
            ),
        )
    )
    # As on the dashboard: a ritual's logs (a practice) wait for no review.
    to_review = dict(
        Response.objects.filter(
            occurrence__assignment__couple__primary_counselor_id=counselor_id,
            state=ResponseState.SUBMITTED,
            reviewed_at__isnull=True,
        )
        .exclude(occurrence__assignment__template__kind=TemplateKind.PRACTICE)
        .values_list("occurrence__assignment__couple_id")
        .annotate(n=Count("pk"))
        .values_list("occurrence__assignment__couple_id", "n")
    )
    return [
        {
            "name": couple.display_name,
            "completed": couple.completed,
            "overdue": couple.overdue,
            "to_review": to_review.get(couple.pk, 0),
        }
        for couple in sorted(couples, key=lambda c: c.display_name)
    ]
