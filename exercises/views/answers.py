"""Showing answers: an answer as label/value rows in its template's order,
with the earlier versions a reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext

from exercises.fields import DATE_PATTERN, FieldKind, FieldSpec
from exercises.models import Response, ResponseVersion


@dataclass(frozen=True)
class AnswerRow:
    label: str
    value: str


def _display(spec: FieldSpec, value: Any) -> str:
    kind = spec["kind"]
    if kind == FieldKind.SINGLE_CHOICE:
        return next((c["label"] for c in spec["choices"] if c["value"] == value), str(value))
    if kind == FieldKind.CHECKLIST:
        labels = {c["value"]: c["label"] for c in spec["choices"]}
        return ", ".join(labels.get(item, item) for item in value)
    if kind == FieldKind.YES_NO:
        return gettext("Yes") if value else gettext("No")
    if kind == FieldKind.DATE and isinstance(value, str) and DATE_PATTERN.match(value):
        return date_format(date.fromisoformat(value), "DATE_FORMAT")
    if kind == FieldKind.SCALE:
        ends = " – ".join(label for label in (spec.get("min_label"), spec.get("max_label")) if label)
        if ends:
            return gettext("%(value)s of 5 (%(ends)s)") % {"value": value, "ends": ends}
        return gettext("%(value)s of 5") % {"value": value}
    if kind == FieldKind.NUMBER and isinstance(value, int | float) and not isinstance(value, bool):
        return number_format(value)
    return str(value)


def answer_rows(fields: list[FieldSpec], answers: dict[str, Any]) -> list[AnswerRow]:
    """An answer as label/value pairs in the template's order; unanswered questions left out."""
    return [AnswerRow(spec["label"], _display(spec, answers[spec["key"]])) for spec in fields if spec["key"] in answers]


@dataclass(frozen=True)
class ShownVersion:
    version: ResponseVersion
    rows: list[AnswerRow]


@dataclass(frozen=True)
class ShownResponse:
    response: Response
    rows: list[AnswerRow]
    author_name: str
    earlier: list[ShownVersion]


def earlier_versions(response: Response, fields: list[FieldSpec], with_versions: bool) -> list[ShownVersion]:
    """Earlier submitted versions, newest first (``versions`` prefetched)."""
    if not with_versions:
        return []
    versions = sorted(response.versions.all(), key=lambda v: v.version, reverse=True)
    return [ShownVersion(v, answer_rows(fields, v.answers)) for v in versions]


def shown(responses: list[Response], fields: list[FieldSpec], *, with_versions: bool = False) -> list[ShownResponse]:
    return [
        ShownResponse(
            r,
            answer_rows(fields, r.answers),
            r.author.full_name if r.author else gettext("Together"),
            earlier_versions(r, fields, with_versions),
        )
        for r in responses
    ]
