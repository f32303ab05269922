"""A couple's recent history: submissions, reviews, comments and attended appointments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils.translation import gettext

from accounts.models import Couple, User
from exercises import selectors as exercise_selectors
from exercises.models import ResponseState
from exercises.translations import localized_title
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
        title = localized_title(response.occurrence.assignment)
        assert response.submitted_at is not None
        if response.submitted_at >= since:
            if response.author:
                text = gettext("%(name)s submitted “%(title)s”") % {"name": response.author.full_name, "title": title}
            else:
                text = gettext("The couple submitted “%(title)s”") % {"title": title}
            events.append(TimelineEvent(response.submitted_at, "submitted", text, response.occurrence_id))
        if response.reviewed_at and response.reviewed_at >= since:
            reviewer = response.reviewed_by.full_name if response.reviewed_by else gettext("The counselor")
            if response.author:
                text = gettext("%(reviewer)s reviewed %(name)s's “%(title)s”") % {
                    "reviewer": reviewer,
                    "name": response.author.full_name,
                    "title": title,
                }
            else:
                text = gettext("%(reviewer)s reviewed the couple's “%(title)s”") % {
                    "reviewer": reviewer,
                    "title": title,
                }
            events.append(TimelineEvent(response.reviewed_at, "reviewed", text, response.occurrence_id))
    comments = (
        exercise_selectors.comments_visible_to(viewer)
        .filter(occurrence__assignment__couple=couple, created_at__gte=since)
        .select_related("occurrence__assignment__template")
    )
    for comment in comments:
        title = localized_title(comment.occurrence.assignment)
        events.append(
            TimelineEvent(
                comment.created_at,
                "comment",
                gettext("%(name)s commented on “%(title)s”") % {"name": comment.author.full_name, "title": title},
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
                gettext("%(kind)s with %(counselor)s (attended)")
                % {"kind": appointment.get_kind_display(), "counselor": appointment.counselor.full_name},
            )
        )
    events.sort(key=lambda event: event.when, reverse=True)
    return events[:TIMELINE_LIMIT]
