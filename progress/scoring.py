"""A measure's definition (items, scale, scoring, bands) checked, and its score computed.

Pure functions over plain data, so the model, the migration's installer, the
API and the tests share one set of rules:

- items: ``[{"key", "text", "reversed"}]``, each answered on the 1-5 agreement
  scale; a reversed item counts as 6 minus the answer, so that for every
  measure a higher score means more of what it measures;
- scoring: the sum or the mean (two decimals) of the counted answers;
- bands: ``[{"label", "min", "max"}]``, inclusive, in ascending order and not
  overlapping; a score gets the first band it falls in ("" if none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from exercises.fields import SCALE_MAX, SCALE_MIN, FieldSpec

# Stored in English (a measure's scale_labels); read in the reader's language (Measure.scale_labels_in).
AGREEMENT_LABELS = [
    gettext_noop("Strongly disagree"),
    gettext_noop("Disagree"),
    gettext_noop("Neither agree nor disagree"),
    gettext_noop("Agree"),
    gettext_noop("Strongly agree"),
]
MAX_ITEMS = 30
MAX_BANDS = 8
TWO_PLACES = Decimal("0.01")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")

Item = dict[str, Any]
Band = dict[str, Any]


class ScoringMethod(models.TextChoices):
    SUM = "sum", gettext_lazy("Sum of the answers")
    MEAN = "mean", gettext_lazy("Mean of the answers")


def score_range(method: str, item_count: int) -> tuple[Decimal, Decimal]:
    """The lowest and highest score a measure can give."""
    if method == ScoringMethod.SUM:
        return Decimal(SCALE_MIN * item_count), Decimal(SCALE_MAX * item_count)
    return Decimal(SCALE_MIN), Decimal(SCALE_MAX)


def clean_items(items: Any) -> list[Item]:
    if not isinstance(items, list) or not items:
        raise ValidationError({"items": _("A measure needs at least one statement.")})
    if len(items) > MAX_ITEMS:
        raise ValidationError({"items": _("A measure can have at most %(count)d statements.") % {"count": MAX_ITEMS}})
    cleaned: list[Item] = []
    for position, item in enumerate(items, start=1):
        if not isinstance(item, Mapping) or set(item) - {"key", "text", "reversed"}:
            raise ValidationError(
                {"items": _("Statement %(n)d: give a key, a text and whether it is reversed.") % {"n": position}}
            )
        key, text, reversed_ = item.get("key"), item.get("text"), item.get("reversed", False)
        if not isinstance(key, str) or not _KEY.match(key):
            raise ValidationError(
                {"items": _("Statement %(n)d: the key must be lowercase a-z, 0-9 and _.") % {"n": position}}
            )
        if not isinstance(text, str) or not text.strip() or len(text.strip()) > 200:
            raise ValidationError(
                {"items": _("Statement %(n)d: write the statement (200 characters at most).") % {"n": position}}
            )
        if not isinstance(reversed_, bool):
            raise ValidationError({"items": _("Statement %(n)d: “reversed” must be true or false.") % {"n": position}})
        cleaned.append({"key": key, "text": text.strip(), "reversed": reversed_})
    keys = [item["key"] for item in cleaned]
    if len(set(keys)) != len(keys):
        raise ValidationError({"items": _("Each statement needs its own key.")})
    return cleaned


def _decimal(value: Any, what: str) -> Decimal:
    """``what`` is the whole message, already translated ("Band 2's lowest score must be a number.")."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValidationError({"bands": what})
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValidationError({"bands": what}) from None
    if not number.is_finite():
        raise ValidationError({"bands": what})
    return number.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def clean_bands(bands: Any, *, method: str, item_count: int) -> list[Band]:
    """Bands in ascending order, inside the measure's score range, not overlapping."""
    if not isinstance(bands, list):
        raise ValidationError({"bands": _("Bands must be a list.")})
    if len(bands) > MAX_BANDS:
        raise ValidationError({"bands": _("Use at most %(count)d bands.") % {"count": MAX_BANDS}})
    low, high = score_range(method, item_count)
    cleaned: list[Band] = []
    for position, band in enumerate(bands, start=1):
        if not isinstance(band, Mapping) or set(band) - {"label", "min", "max"}:
            raise ValidationError(
                {"bands": _("Band %(n)d: give a label, a lowest and a highest score.") % {"n": position}}
            )
        label = band.get("label")
        if not isinstance(label, str) or not label.strip() or len(label.strip()) > 60:
            raise ValidationError(
                {"bands": _("Band %(n)d: give it a label (60 characters at most).") % {"n": position}}
            )
        lowest = _decimal(band.get("min"), _("Band %(n)d's lowest score must be a number.") % {"n": position})
        highest = _decimal(band.get("max"), _("Band %(n)d's highest score must be a number.") % {"n": position})
        if lowest > highest:
            raise ValidationError({"bands": _("Band %(n)d: the lowest score is above the highest.") % {"n": position}})
        if lowest < low or highest > high:
            raise ValidationError(
                {
                    "bands": _("Band %(n)d: scores run from %(low)s to %(high)s for this measure.")
                    % {"n": position, "low": low, "high": high}
                }
            )
        if cleaned and lowest <= Decimal(cleaned[-1]["max"]):
            raise ValidationError(
                {"bands": _("Band %(n)d overlaps the band before it (list them lowest first).") % {"n": position}}
            )
        cleaned.append({"label": label.strip(), "min": str(lowest), "max": str(highest)})
    return cleaned


def clean_scale_labels(labels: Any) -> list[str]:
    count = SCALE_MAX - SCALE_MIN + 1
    if not isinstance(labels, list) or len(labels) != count:
        raise ValidationError({"scale_labels": _("Give a label for each of the %(count)d points.") % {"count": count}})
    if not all(isinstance(label, str) and label.strip() and len(label.strip()) <= 60 for label in labels):
        raise ValidationError({"scale_labels": _("Each point needs a label of 60 characters at most.")})
    return [label.strip() for label in labels]


def clean_translations(translations: Any) -> dict[str, dict[str, Any]]:
    """A measure's text in other languages: ``{"es": {"title", "summary", "items": {key: text},
    "scale_labels": [...], "bands": {label: label}}}``, every part optional (what is missing reads
    in English). Checked for shape only: the scoring never reads it."""
    if translations in (None, ""):
        return {}
    allowed = {"title", "summary", "items", "scale_labels", "bands"}
    if not isinstance(translations, Mapping) or not all(
        isinstance(code, str) and isinstance(text, Mapping) and not set(text) - allowed
        for code, text in translations.items()
    ):
        raise ValidationError({"translations": _("Translations must map a language code to its texts.")})
    cleaned: dict[str, dict[str, Any]] = {}
    for code, text in translations.items():
        entry: dict[str, Any] = {}
        for name in ("title", "summary"):
            if isinstance(text.get(name), str) and text[name].strip():
                entry[name] = text[name].strip()
        for name in ("items", "bands"):
            if isinstance(text.get(name), Mapping):
                entry[name] = {str(k): str(v).strip() for k, v in text[name].items() if str(v).strip()}
        if isinstance(text.get("scale_labels"), list):
            entry["scale_labels"] = [str(label).strip() for label in text["scale_labels"]]
        cleaned[code] = entry
    return cleaned


def counted(item: Item, answer: int) -> int:
    """An answer as it counts: reversed items are turned around the scale."""
    return SCALE_MIN + SCALE_MAX - answer if item["reversed"] else answer


def compute_score(items: list[Item], method: str, answers: Mapping[str, Any]) -> Decimal | None:
    """The score of complete answers, or None if any item is unanswered or off the scale."""
    values = []
    for item in items:
        answer = answers.get(item["key"])
        if not isinstance(answer, int) or isinstance(answer, bool) or not SCALE_MIN <= answer <= SCALE_MAX:
            return None
        values.append(counted(item, answer))
    total = Decimal(sum(values))
    if method == ScoringMethod.SUM:
        return total.quantize(TWO_PLACES)
    return (total / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def band_for(bands: list[Band], score: Decimal | None) -> str:
    if score is None:
        return ""
    for band in bands:
        if Decimal(band["min"]) <= score <= Decimal(band["max"]):
            return str(band["label"])
    return ""


def field_specs(items: list[Item], scale_labels: list[str]) -> list[FieldSpec]:
    """The exercise fields a measure is answered with: one required 1-5 scale per statement."""
    return [
        {
            "key": item["key"],
            "kind": "scale",
            "label": item["text"],
            "help_text": "",
            "required": True,
            "min_label": scale_labels[0],
            "max_label": scale_labels[-1],
        }
        for item in items
    ]
