"""Changes to measures: create one, assign one to a couple, score an answer.

Assigning goes through exercises.services.assignment_create with the
measure's backing template, so the schedule, occurrences, reminders and
reveal rules are the exercises' own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_noop

from accounts.models import AuditAction, Couple, CoupleStatus, User
from accounts.services import audit_record
from exercises import services as exercise_services
from exercises.models import Assignment, Category, CompletionMode, ExerciseTemplate, Occurrence, Response
from portal import policy
from portal.errors import require
from progress import scoring
from progress.models import Measure, MeasureScore, MeasureTemplate

if TYPE_CHECKING:
    from progress.selectors import CoupleProgress, DashboardRow

INSTRUCTIONS = gettext_noop(
    "Read each statement and choose how much you agree, from 1 (%(low)s) to 5 (%(high)s). "
    "Answer on your own and go with your first sense of the last two weeks; there are no right answers."
)
DEFAULT_SUMMARY = gettext_noop("A short questionnaire, taken again and again.")


def _unique_slug(owner: User, title: str) -> str:
    base = slugify(title)[:100] or "measure"
    taken = set(Measure.objects.filter(owner=owner, slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def measure_create(
    *,
    owner: User,
    title: str,
    items: list[dict[str, Any]],
    scoring_method: str = scoring.ScoringMethod.MEAN,
    bands: list[dict[str, Any]] | None = None,
    summary: str = "",
    visibility: str = "after_both",
    scale_labels: list[str] | None = None,
) -> Measure:
    """A counselor's own measure. It cannot be edited afterwards (scores
    already taken must keep their meaning): write a new one instead."""
    require(policy.can_write_measures(owner), gettext("Only counselors write measures."))
    measure = Measure(
        owner=owner,
        title=title.strip(),
        slug=_unique_slug(owner, title),
        summary=summary.strip(),
        items=items,
        scale_labels=scale_labels or list(scoring.AGREEMENT_LABELS),
        scoring=scoring_method,
        bands=bands or [],
        visibility=visibility,
    )
    measure.full_clean()
    measure.save()
    audit_record(actor=owner, action=AuditAction.MEASURE_CREATED, target=measure)
    return measure


def _template_values(measure: Measure) -> dict[str, Any]:
    labels = measure.scale_labels
    return {
        "title": measure.title,
        "summary": (measure.summary or DEFAULT_SUMMARY)[:300],
        "instructions": INSTRUCTIONS % {"low": labels[0], "high": labels[-1]},
        "fields": scoring.field_specs(measure.items, labels),
        "estimated_minutes": 5,
        "category": Category.OTHER,
        "completion_mode": CompletionMode.EACH_PARTNER,
        "visibility": measure.visibility,
        "kind": "once",
        "is_archived": False,
    }


def _template_translations(measure: Measure) -> dict[str, Any]:
    """The backing template's text in each other language (exercises/translations.py's
    shape): the measure's own translation where it has one, the portal's own words
    (instructions, the agreement scale) otherwise. The questions' keys, and so the
    answers and the scores, are the same in every language."""
    translations: dict[str, Any] = {}
    for language, _name in settings.LANGUAGES:
        if language == "en":
            continue
        labels = measure.scale_labels_in(language)
        items = measure.items_in(language)
        with translation.override(language):
            text = {
                "title": measure.title_in(language),
                "summary": (measure.summary_in(language) or gettext(DEFAULT_SUMMARY))[:300],
                "instructions": gettext(INSTRUCTIONS) % {"low": labels[0], "high": labels[-1]},
                "fields": [
                    {"key": item["key"], "label": item["text"], "min_label": labels[0], "max_label": labels[-1]}
                    for item in items
                ],
            }
        translations[language] = text
    return translations


def _follow_translations(template: ExerciseTemplate, measure: Measure) -> ExerciseTemplate:
    """Keep the backing template's translations those of the measure. Written here:
    a measure's template is not edited in the library, and its translations are
    the measure's, so progress (which owns the measure) keeps them in step."""
    if not hasattr(template, "translations"):  # exercises without translations (older schema)
        return template
    wanted = _template_translations(measure)
    if template.translations != wanted:
        template.translations = wanted
        template.full_clean()
        template.save(update_fields=["translations", "updated_at"])
    return template


def measure_template(*, measure: Measure, counselor: User) -> ExerciseTemplate:
    """The counselor's backing template for the measure, made on first use and
    put back in step with the measure when the measure has changed."""
    wanted = _template_values(measure)
    link = MeasureTemplate.objects.select_related("template").filter(measure=measure, counselor=counselor).first()
    if link is None:
        template = exercise_services.template_create(
            owner=counselor, **{k: v for k, v in wanted.items() if k != "is_archived"}
        )
        MeasureTemplate.objects.create(measure=measure, counselor=counselor, template=template)
        return _follow_translations(template, measure)
    template = link.template
    changes = {name: value for name, value in wanted.items() if getattr(template, name) != value}
    if changes:
        template = exercise_services.template_follow_measure(template=template, actor=counselor, **changes)
    return _follow_translations(template, measure)


@transaction.atomic
def measure_assign(
    *,
    counselor: User,
    couple: Couple,
    measure: Measure,
    starts_on: date,
    due_time: time,
    rrule: str = "",
    due_on: date | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Assignment:
    """Give the measure to a couple, once or on a recurrence (an RRULE, such
    as every two weeks), as an exercise each partner answers on their own."""
    if not policy.can_use_measure(counselor, measure):
        raise ValidationError({"measure": gettext("Choose a built-in measure or one of your own.")})
    template = measure_template(measure=measure, counselor=counselor)
    assignment = exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=starts_on,
        due_time=due_time,
        rrule=rrule,
        due_on=due_on,
        note=note,
        now=now,
    )
    audit_record(actor=counselor, action=AuditAction.MEASURE_ASSIGNED, target=measure, assignment=assignment.pk)
    return assignment


def measure_score_response(response: Response) -> MeasureScore | None:
    """Store (or refresh) the score of a submitted answer if it answers a
    measure; anything else is left alone, at the cost of one query."""
    row = (
        Occurrence.objects.filter(pk=response.occurrence_id, assignment__template__measure_link__isnull=False)
        .values("assignment__couple_id", "assignment__template__measure_link__measure_id")
        .first()
    )
    if row is None or response.author_id is None or response.submitted_at is None:
        return None
    measure = Measure.objects.get(pk=row["assignment__template__measure_link__measure_id"])
    score = scoring.compute_score(measure.items, measure.scoring, response.answers)
    if score is None:  # the template was edited into something else: nothing to score
        MeasureScore.objects.filter(response=response).delete()
        return None
    stored, _ = MeasureScore.objects.update_or_create(
        response=response,
        defaults={
            "measure": measure,
            "couple_id": row["assignment__couple_id"],
            "partner_id": response.author_id,
            "score": score,
            "band": scoring.band_for(measure.bands, score),
            "submitted_at": response.submitted_at,
        },
    )
    return stored


def progress_record_access(*, viewer: User, couple: Couple, progress: CoupleProgress) -> None:
    """Scores and ritual logs come from answers: record who saw whose (ids only)."""
    others = sorted({pk for series in progress.series for pk in series.by_partner if pk != viewer.pk})
    if others:
        audit_record(actor=viewer, action=AuditAction.MEASURE_SCORES_VIEWED, target=couple, partners=others)
    shown = [a for a, _ in progress.rituals if policy.follows_both_partners(viewer) or not a.is_joint]
    exercise_services.rituals_record_access(viewer=viewer, assignments=shown)


def dashboard_record_access(*, viewer: User, rows: Iterable[DashboardRow]) -> None:
    """The caseload dashboard shows each couple's latest scores, which come
    from answers: one audit row per view (ids only), none if no score was shown."""
    couples = sorted(row.couple.pk for row in rows if any(p.score is not None for p in row.partners))
    if couples:
        audit_record(
            actor=viewer, action=AuditAction.MEASURE_SCORES_VIEWED, target=viewer, view="dashboard", couples=couples
        )


def couple_scores_erase(*, couple: Couple) -> int:
    """A closed couple's measure scores, deleted once the practice's
    retention period has run out (retention.services only, inside its
    transaction). How many were deleted. Refuses a couple that is not closed."""
    if couple.status != CoupleStatus.CLOSED:
        raise ValueError(f"Couple {couple.pk} is not closed: its scores are not erased.")
    deleted, _ = MeasureScore.objects.filter(couple=couple).delete()
    return deleted
