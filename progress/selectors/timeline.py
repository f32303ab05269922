"""A couple's recent history: submissions, reviews, comments and attended appointments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from accounts.models import Couple, User
from exercises import selectors as exercise_selectors
from exercises.models import ResponseState
from scheduling.models import Appointment, AppointmentStatus


@dataclass(frozen=True)
class TimelineEvent:
    when: datetime
    kind: str  # submitted, reviewed, comment, appointment
    text: str
    occurrence_id: int | None = None


TIMELINE_LIMIT = 40


def timeline(couple: Couple, viewer: User, *, since: datetime) -> list[TimelineEvent]:
    """Submissions, reviews, comments and attended appointments since
    ``since``, newest first, as far as the viewer may see them (three queries)."""
    responses = (
        exercise_selectors.responses_visible_to(viewer)
        .filter(occurrence__assignment__couple=couple, state=ResponseState.SUBMITTED)
        .filter(Q(submitted_at__gte=since) | Q(reviewed_at__gte=since))
        .defer("answers")
    )
    events: list[TimelineEvent] = []
    for response in responses:
        title = response.occurrence.assignment.template.title
        who = response.author.full_name if response.author else "The couple"
        assert response.submitted_at is not None
        if response.submitted_at >= since:
            events.append(
                TimelineEvent(response.submitted_at, "submitted", f"{who} submitted “{title}”", response.occurrence_id)
            )
        if response.reviewed_at and response.reviewed_at >= since:
            reviewer = response.reviewed_by.full_name if response.reviewed_by else "The counselor"
            whose = f"{who}'s" if response.author else "the couple's"
            events.append(
                TimelineEvent(
                    response.reviewed_at, "reviewed", f"{reviewer} reviewed {whose} “{title}”", response.occurrence_id
                )
            )
    comments = (
        exercise_selectors.comments_visible_to(viewer)
        .filter(occurrence__assignment__couple=couple, created_at__gte=since)
        .select_related("occurrence__assignment__template")
    )
    for comment in comments:
        title = comment.occurrence.assignment.template.title
        events.append(
            TimelineEvent(
                comment.created_at,
                "comment",
                f"{comment.author.full_name} commented on “{title}”",
                comment.occurrence_id,
            )
        )
    appointments = Appointment.objects.filter(
        couple=couple, status=AppointmentStatus.COMPLETED, start__gte=since
    ).select_related("counselor")
    for appointment in appointments:
        events.append(
            TimelineEvent(
                appointment.start,
                "appointment",
                f"{appointment.get_kind_display()} with {appointment.counselor.full_name} (attended)",
            )
        )
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:TIMELINE_LIMIT]
