"""The figures of a couple's progress and of a dashboard row as plain data.

The page, the printable summary, the CSV export and the API all read these,
so they show the same numbers."""

from __future__ import annotations

from typing import Any

from exercises.translations import localized_title
from progress.selectors import CoupleProgress, DashboardRow


def progress_figures(progress: CoupleProgress) -> dict[str, Any]:
    couple = progress.couple
    measures = []
    for series in progress.series:
        measure = series.measure
        partners = []
        for partner in couple.partners:
            points = series.by_partner.get(partner.pk)
            if not points:
                continue
            latest = series.latest(partner.pk)
            partners.append(
                {
                    "partner": partner.pk,
                    "name": partner.full_name,
                    "scores": [{"at": p.when, "score": p.score, "band": measure.band_label(p.band)} for p in points],
                    "latest": latest.score if latest else None,
                    "latest_band": measure.band_label(latest.band) if latest else "",
                    "change": series.change(partner.pk),
                }
            )
        measures.append(
            {
                "id": measure.pk,
                "title": measure.local_title,
                "scoring": measure.scoring,
                "score_min": measure.score_min,
                "score_max": measure.score_max,
                "bands": measure.local_bands,
                "partners": partners,
            }
        )
    completion = [
        {
            "week_start": week.start,
            "partners": [
                {
                    "partner": partner.pk,
                    "name": partner.full_name,
                    "due": week.by_partner[partner.pk].due,
                    "done": week.by_partner[partner.pk].done,
                    "rate": week.by_partner[partner.pk].rate,
                }
                for partner in progress.partners
            ],
        }
        for week in progress.weeks
    ]
    rituals = [
        {
            "assignment": assignment.pk,
            "title": localized_title(assignment),
            "status": assignment.status,
            "current_streak": summary.streak,
            "longest_streak": summary.longest_streak,
            "last_logged_at": summary.last_logged_at,
        }
        for assignment, summary in progress.rituals
    ]
    timeline = [
        {"at": event.when, "kind": event.kind, "text": event.text, "occurrence": event.occurrence_id}
        for event in progress.timeline
    ]
    return {
        "couple": couple.pk,
        "name": couple.display_name,
        "since": progress.since,
        "generated_at": progress.now,
        "partners": [{"id": p.pk, "name": p.full_name} for p in progress.partners],
        "measures": measures,
        "completion": completion,
        "rituals": rituals,
        "timeline": timeline,
    }


def dashboard_figures(row: DashboardRow) -> dict[str, Any]:
    couple = row.couple
    return {
        "couple": couple.pk,
        "name": couple.display_name,
        "status": couple.status,
        "next_appointment": row.next_appointment,
        "due_last_4_weeks": row.due_4w,
        "partners": [
            {
                "partner": figures.partner.pk,
                "name": figures.partner.full_name,
                "done_last_4_weeks": figures.done_4w,
                "completion_rate_last_4_weeks": figures.rate_4w,
                "latest_score": figures.score,
                "score_change": figures.change,
            }
            for figures in row.partners
        ],
        "overdue": row.overdue,
        "waiting_for_review": row.waiting,
        "last_activity": row.last_activity,
        "days_since_activity": row.days_since_activity,
        "needs_attention": row.needs_attention,
        "reasons": row.reasons,
    }
