"""Measures and their scores.

A Measure is a short questionnaire taken again and again: statements answered
on a 1-5 agreement scale, a scoring (sum or mean, some statements reversed)
and score bands. Built-ins have no owner; a counselor's own have one.

A measure is assigned and answered through the exercises app, so that its
recurrence, occurrences, reminders, reveal rules and review all work as for
any exercise: the counselor who assigns it gets a backing ExerciseTemplate
(MeasureTemplate links the two) whose fields are the measure's statements as
required scale questions. When a partner submits an answer to it, its score
is computed and stored in MeasureScore (progress.receivers), next to the
answers the Response keeps.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext

from accounts.languages import active_language
from exercises.models import Visibility
from progress import scoring
from progress.scoring import ScoringMethod


def _agreement_labels() -> list[str]:
    return list(scoring.AGREEMENT_LABELS)


class Measure(models.Model):
    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120)
    summary = models.CharField(max_length=300, blank=True)
    items = models.JSONField(help_text='The statements: [{"key", "text", "reversed"}].')
    scale_labels = models.JSONField(default=_agreement_labels, help_text="A label for each point, 1 to 5.")
    scoring = models.CharField(max_length=10, choices=ScoringMethod.choices, default=ScoringMethod.MEAN)
    bands = models.JSONField(default=list, blank=True, help_text='[{"label", "min", "max"}], lowest first.')
    visibility = models.CharField(
        max_length=20,
        choices=Visibility.choices,
        default=Visibility.AFTER_BOTH,
        help_text="Who reads a partner's answers and score (the exercises' reveal rules).",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        help_text="The counselor who wrote it; empty for a built-in.",
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text='The text in other languages: {"es": {"title", "summary", "items": {key: text}, '
        '"scale_labels": [5 labels], "bands": {label: label}}}; whatever is missing reads in English.',
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scoring__in=ScoringMethod.values), name="measure_scoring_valid"),
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="measure_visibility_valid"),
            models.UniqueConstraint(fields=["slug"], condition=Q(owner__isnull=True), name="measure_builtin_slug"),
            models.UniqueConstraint(
                fields=["owner", "slug"], condition=Q(owner__isnull=False), name="measure_owner_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.title + (" (built-in)" if self.is_builtin else "")

    # --- The measure in a reader's language. The scores and the stored band
    # labels stay as they are (English keys); only what is read is translated.

    def _translation(self, language: str | None) -> dict:
        found = (self.translations or {}).get(language or active_language())
        return found if isinstance(found, dict) else {}

    def title_in(self, language: str | None = None) -> str:
        return str(self._translation(language).get("title") or self.title)

    def summary_in(self, language: str | None = None) -> str:
        return str(self._translation(language).get("summary") or self.summary)

    def items_in(self, language: str | None = None) -> list[dict]:
        texts = self._translation(language).get("items") or {}
        return [{**item, "text": texts.get(item["key"]) or item["text"]} for item in self.items]

    def scale_labels_in(self, language: str | None = None) -> list[str]:
        labels = self._translation(language).get("scale_labels")
        if isinstance(labels, list) and len(labels) == len(self.scale_labels):
            return [str(label) for label in labels]
        if list(self.scale_labels) == scoring.AGREEMENT_LABELS:
            with translation.override(language or active_language()):
                return [gettext(label) for label in self.scale_labels]
        return list(self.scale_labels)

    def band_label(self, label: str, language: str | None = None) -> str:
        """A stored band label (as a score carries it) in the reader's language."""
        return str((self._translation(language).get("bands") or {}).get(label) or label)

    def bands_in(self, language: str | None = None) -> list[dict]:
        return [{**band, "label": self.band_label(band["label"], language)} for band in self.bands]

    # For templates: the active language's.
    @property
    def local_title(self) -> str:
        return self.title_in()

    @property
    def local_summary(self) -> str:
        return self.summary_in()

    @property
    def local_items(self) -> list[dict]:
        return self.items_in()

    @property
    def local_scale_labels(self) -> list[str]:
        return self.scale_labels_in()

    @property
    def local_bands(self) -> list[dict]:
        return self.bands_in()

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None

    @property
    def score_min(self) -> float:
        return float(scoring.score_range(self.scoring, len(self.items))[0])

    @property
    def score_max(self) -> float:
        return float(scoring.score_range(self.scoring, len(self.items))[1])

    @property
    def reversed_count(self) -> int:
        return sum(1 for item in self.items if item.get("reversed"))

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        for name, clean in (
            ("items", lambda: scoring.clean_items(self.items)),
            ("scale_labels", lambda: scoring.clean_scale_labels(self.scale_labels)),
        ):
            try:
                setattr(self, name, clean())
            except ValidationError as exc:
                errors.update(exc.message_dict)
        try:
            self.translations = scoring.clean_translations(self.translations)
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if not errors:
            try:
                self.bands = scoring.clean_bands(self.bands, method=self.scoring, item_count=len(self.items))
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)


class MeasureTemplate(models.Model):
    """The exercise template a counselor assigns a measure with (one per
    measure and counselor, made on first assignment)."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="templates")
    counselor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    template = models.OneToOneField("exercises.ExerciseTemplate", on_delete=models.PROTECT, related_name="measure_link")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["measure", "counselor"], name="measure_template_per_counselor")]

    def __str__(self) -> str:
        return f"{self.measure} for {self.counselor_id}"


class MeasureScore(models.Model):
    """The computed score of one submitted answer to a measure. Couple,
    partner and time are copied from the answer so that charts and the
    dashboard read one narrow table."""

    response = models.OneToOneField("exercises.Response", on_delete=models.CASCADE, related_name="measure_score")
    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="scores")
    couple = models.ForeignKey("accounts.Couple", on_delete=models.CASCADE, related_name="measure_scores")
    partner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="measure_scores")
    score = models.DecimalField(max_digits=7, decimal_places=2)
    band = models.CharField(max_length=60, blank=True)
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "pk"]
        indexes = [
            # In the dashboard's order (newest first, then the highest id): a
            # partner's latest score, and their previous one on the same measure,
            # are each the first rows of an index scan, with no sort.
            models.Index(fields=["couple", "partner", "submitted_at", "id"], name="score_latest_idx"),
            models.Index(fields=["couple", "partner", "measure", "submitted_at", "id"], name="score_same_measure_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.score} on {self.measure_id} by {self.partner_id}"
