"""The fields of an exercise template, as data, and the validation of answers.

A template's ``fields`` is a JSON list; each item describes one question:

    {"key": "feeling", "kind": "short_text", "label": "I feel…", "help_text": "",
     "required": true, "max_length": 200, "blame_hints": true}

Counselors build templates in the portal without code, so everything here is
plain data checked by plain functions: ``clean_field_specs`` when a template
is saved, ``clean_answers`` when a partner saves or submits. Both raise
django's ValidationError; answer errors are keyed by the field's key so that a
form or the API can put the message next to the field concerned.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

FieldSpec = dict[str, Any]
Answers = dict[str, Any]


class FieldKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    CHECKLIST = "checklist", _("Checklist (several choices)")
    SCALE = "scale", _("Scale 1-5")
    NUMBER = "number", _("Number")
    DATE = "date", pgettext_lazy("kind of answer", "Date")
    YES_NO = "yes_no", _("Yes / no")


TEXT_KINDS = (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT)
CHOICE_KINDS = (FieldKind.SINGLE_CHOICE, FieldKind.CHECKLIST)
SCALE_MIN, SCALE_MAX = 1, 5
MAX_FIELDS = 40
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}\Z")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
# (default, largest allowed) maximum length per text kind.
TEXT_LIMITS = {FieldKind.SHORT_TEXT: (200, 500), FieldKind.LONG_TEXT: (4000, 10000)}
MAX_CHOICES = 30

COMMON_KEYS = ("key", "kind", "label", "help_text", "required")
# The keys each kind may carry besides the common ones, in stored order.
EXTRA_KEYS: dict[str, tuple[str, ...]] = {
    FieldKind.SHORT_TEXT: ("max_length", "blame_hints"),
    FieldKind.LONG_TEXT: ("max_length", "blame_hints"),
    FieldKind.SINGLE_CHOICE: ("choices",),
    FieldKind.CHECKLIST: ("choices", "min", "max"),
    FieldKind.SCALE: ("min_label", "max_label"),
    FieldKind.NUMBER: ("min", "max"),
    FieldKind.DATE: (),
    FieldKind.YES_NO: (),
}


# --- Template side: is this list of field specs well formed? -----------------


class _SpecError(Exception):
    """One problem in one field spec; collected into a ValidationError.
    ``name`` is the spec's key at fault, if one is (for check_field_spec)."""

    def __init__(self, message: str, name: str | None = None) -> None:
        super().__init__(message)
        self.name = name


def _is_number(value: Any) -> bool:
    # bool is an int in Python, but a yes/no is not a number to a client.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(spec: Mapping[str, Any], name: str, *, max_length: int, required: bool = False) -> str:
    value = spec.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _SpecError(gettext("“%(name)s” must be text.") % {"name": name}, name)
    value = value.strip()
    if required and not value:
        raise _SpecError(gettext("give it a label.") if name == "label" else gettext("give it a value."), name)
    if len(value) > max_length:
        raise _SpecError(
            gettext("“%(name)s” must be at most %(limit)d characters.") % {"name": name, "limit": max_length}, name
        )
    return value


def _optional_number(spec: Mapping[str, Any], name: str) -> int | float | None:
    value = spec.get(name)
    if value is None:
        return None
    if not _is_number(value):
        raise _SpecError(gettext("“%(name)s” must be a number.") % {"name": name}, name)
    return value


def _choices(spec: Mapping[str, Any]) -> list[dict[str, str]]:
    raw = spec.get("choices")
    if not isinstance(raw, list) or not raw:
        raise _SpecError(gettext("list at least one choice."), "choices")
    if len(raw) > MAX_CHOICES:
        raise _SpecError(gettext("offer at most %(count)d choices.") % {"count": MAX_CHOICES}, "choices")
    choices: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, Mapping) or set(item) - {"value", "label"}:
            raise _SpecError(gettext("each choice needs a “value” and a “label”."), "choices")
        try:
            value = _text(item, "value", max_length=60, required=True)
            label = _text(item, "label", max_length=200, required=True)
        except _SpecError as exc:
            raise _SpecError(gettext("each choice: %(problem)s") % {"problem": exc}, "choices") from None
        choices.append({"value": value, "label": label})
    values = [c["value"] for c in choices]
    if len(set(values)) != len(values):
        raise _SpecError(gettext("each choice needs its own value."), "choices")
    return choices


def _clean_text_extras(spec: Mapping[str, Any], kind: str) -> FieldSpec:
    default, ceiling = TEXT_LIMITS[FieldKind(kind)]
    max_length = spec.get("max_length", default)
    if not isinstance(max_length, int) or isinstance(max_length, bool) or not 1 <= max_length <= ceiling:
        raise _SpecError(
            gettext("“max_length” must be a whole number from 1 to %(ceiling)d.") % {"ceiling": ceiling}, "max_length"
        )
    blame_hints = spec.get("blame_hints", False)
    if not isinstance(blame_hints, bool):
        raise _SpecError(gettext("“blame_hints” must be true or false."), "blame_hints")
    return {"max_length": max_length, "blame_hints": blame_hints}


def _clean_bounds(spec: Mapping[str, Any]) -> FieldSpec:
    low, high = _optional_number(spec, "min"), _optional_number(spec, "max")
    if low is not None and high is not None and low > high:
        raise _SpecError(gettext("“min” must not be greater than “max”."), "min")
    return {"min": low, "max": high}


def _clean_checklist_extras(spec: Mapping[str, Any]) -> FieldSpec:
    choices = _choices(spec)
    bounds = _clean_bounds(spec)
    for name in ("min", "max"):
        bound = bounds[name]
        if bound is not None and (not isinstance(bound, int) or not 0 <= bound <= len(choices)):
            raise _SpecError(
                gettext("“%(name)s” (how many may be ticked) must be a whole number from 0 to %(count)d.")
                % {"name": name, "count": len(choices)},
                name,
            )
    return {"choices": choices, **bounds}


def _clean_scale_extras(spec: Mapping[str, Any]) -> FieldSpec:
    return {
        "min_label": _text(spec, "min_label", max_length=60),
        "max_label": _text(spec, "max_label", max_length=60),
    }


_EXTRA_CLEANERS: dict[str, Callable[[Mapping[str, Any], str], FieldSpec]] = {
    FieldKind.SHORT_TEXT: _clean_text_extras,
    FieldKind.LONG_TEXT: _clean_text_extras,
    FieldKind.SINGLE_CHOICE: lambda spec, kind: {"choices": _choices(spec)},
    FieldKind.CHECKLIST: lambda spec, kind: _clean_checklist_extras(spec),
    FieldKind.SCALE: lambda spec, kind: _clean_scale_extras(spec),
    FieldKind.NUMBER: lambda spec, kind: _clean_bounds(spec),
    FieldKind.DATE: lambda spec, kind: {},
    FieldKind.YES_NO: lambda spec, kind: {},
}


def clean_field_spec(spec: Any) -> FieldSpec:
    """One field spec, checked and with defaults filled in, keys in a fixed order."""
    if not isinstance(spec, Mapping):
        raise _SpecError(gettext("each field must be an object."))
    kind = spec.get("kind")
    if kind not in FieldKind.values:
        raise _SpecError(gettext("“kind” must be one of: %(kinds)s.") % {"kinds": ", ".join(FieldKind.values)}, "kind")
    unknown = set(spec) - set(COMMON_KEYS) - set(EXTRA_KEYS[kind])
    if unknown:
        raise _SpecError(
            gettext("a %(kind)s field does not take: %(names)s.") % {"kind": kind, "names": ", ".join(sorted(unknown))}
        )
    key = spec.get("key")
    if not isinstance(key, str) or not KEY_PATTERN.match(key):
        raise _SpecError(
            gettext("“key” must start with a lowercase letter and use only a-z, 0-9 and _ (40 at most)."), "key"
        )
    required = spec.get("required", False)
    if not isinstance(required, bool):
        raise _SpecError(gettext("“required” must be true or false."), "required")
    return {
        "key": key,
        "kind": kind,
        "label": _text(spec, "label", max_length=200, required=True),
        "help_text": _text(spec, "help_text", max_length=500),
        "required": required,
        **_EXTRA_CLEANERS[kind](spec, kind),
    }


def check_field_spec(spec: Any) -> FieldSpec:
    """clean_field_spec for one field on its own (the field builder's rows):
    ValidationError keyed by the spec's key at fault ("label", "max_length",
    "choices"…), or a non-field error."""
    try:
        return clean_field_spec(spec)
    except _SpecError as exc:
        message = str(exc)
        raise ValidationError({exc.name or NON_FIELD_ERRORS: message[:1].upper() + message[1:]}) from None


def clean_field_specs(fields: Any) -> list[FieldSpec]:
    """A template's whole list of fields, or ValidationError({"fields": [...]})."""
    if not isinstance(fields, list) or not fields:
        raise ValidationError({"fields": gettext("An exercise needs at least one field.")})
    if len(fields) > MAX_FIELDS:
        raise ValidationError(
            {"fields": gettext("An exercise can have at most %(count)d fields.") % {"count": MAX_FIELDS}}
        )
    cleaned: list[FieldSpec] = []
    problems: list[str] = []
    for position, spec in enumerate(fields, start=1):
        name = spec.get("key") if isinstance(spec, Mapping) and isinstance(spec.get("key"), str) else ""
        try:
            cleaned.append(clean_field_spec(spec))
        except _SpecError as exc:
            if name:
                problem = gettext("Field %(position)d (“%(key)s”): %(problem)s")
                problems.append(problem % {"position": position, "key": name, "problem": exc})
            else:
                problems.append(gettext("Field %(position)d: %(problem)s") % {"position": position, "problem": exc})
    keys = [spec["key"] for spec in cleaned]
    problems += [
        gettext("The key “%(key)s” is used twice.") % {"key": key}
        for key in sorted({k for k in keys if keys.count(k) > 1})
    ]
    if problems:
        raise ValidationError({"fields": problems})
    return cleaned


# --- Client side: do these answers fit the fields? ---------------------------


class _AnswerError(Exception):
    """Why one answer does not fit its field; keyed by field in a ValidationError."""


def _is_blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def _answer_text(field: FieldSpec, value: Any) -> str:
    if not isinstance(value, str):
        raise _AnswerError(gettext("Enter text here."))
    value = value.strip()
    if len(value) > field["max_length"]:
        raise _AnswerError(
            gettext("Keep this to %(limit)s characters or fewer (it has %(length)s).")
            % {"limit": number_format(field["max_length"]), "length": number_format(len(value))}
        )
    return value


def _answer_single_choice(field: FieldSpec, value: Any) -> str:
    offered = [choice["value"] for choice in field["choices"]]
    if not isinstance(value, str) or value not in offered:
        raise _AnswerError(gettext("Choose one of the options offered."))
    return value


def _answer_checklist(field: FieldSpec, value: Any) -> list[str]:
    offered = [choice["value"] for choice in field["choices"]]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _AnswerError(gettext("Tick the options that apply."))
    if any(item not in offered for item in value):
        raise _AnswerError(gettext("Tick only the options offered."))
    # Keep the template's order and drop repeats, so equal answers compare equal.
    ticked = [choice for choice in offered if choice in value]
    if field["min"] is not None and len(ticked) < field["min"]:
        raise _AnswerError(gettext("Tick at least %(count)s.") % {"count": field["min"]})
    if field["max"] is not None and len(ticked) > field["max"]:
        raise _AnswerError(gettext("Tick at most %(count)s.") % {"count": field["max"]})
    return ticked


def _answer_scale(field: FieldSpec, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise _AnswerError(
            gettext("Choose a whole number from %(low)d to %(high)d.") % {"low": SCALE_MIN, "high": SCALE_MAX}
        )
    if not SCALE_MIN <= value <= SCALE_MAX:
        raise _AnswerError(gettext("Choose a number from %(low)d to %(high)d.") % {"low": SCALE_MIN, "high": SCALE_MAX})
    return value


def _answer_number(field: FieldSpec, value: Any) -> int | float:
    if not _is_number(value):
        raise _AnswerError(gettext("Enter a number."))
    if field["min"] is not None and value < field["min"]:
        raise _AnswerError(gettext("Enter a number of at least %(low)s.") % {"low": number_format(field["min"])})
    if field["max"] is not None and value > field["max"]:
        raise _AnswerError(gettext("Enter a number of at most %(high)s.") % {"high": number_format(field["max"])})
    return value


def _answer_date(field: FieldSpec, value: Any) -> str:
    if isinstance(value, str) and DATE_PATTERN.match(value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:  # 2026-02-30 has the right shape but is no date
            pass
    raise _AnswerError(gettext("Enter a date as YYYY-MM-DD."))


def _answer_yes_no(field: FieldSpec, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _AnswerError(gettext("Answer yes or no."))
    return value


_ANSWER_CLEANERS: dict[str, Callable[[FieldSpec, Any], Any]] = {
    FieldKind.SHORT_TEXT: _answer_text,
    FieldKind.LONG_TEXT: _answer_text,
    FieldKind.SINGLE_CHOICE: _answer_single_choice,
    FieldKind.CHECKLIST: _answer_checklist,
    FieldKind.SCALE: _answer_scale,
    FieldKind.NUMBER: _answer_number,
    FieldKind.DATE: _answer_date,
    FieldKind.YES_NO: _answer_yes_no,
}


def clean_answers(fields: list[FieldSpec], answers: Any, *, partial: bool = False) -> Answers:
    """The answers, checked against the fields and normalised (text stripped,
    blanks dropped). ``partial`` is for drafts: a required field may still be
    empty, but whatever is there must fit. Raises ValidationError keyed by
    field key, with every problem at once."""
    if not isinstance(answers, Mapping):
        raise ValidationError({NON_FIELD_ERRORS: gettext("Answers must be an object keyed by field.")})
    by_key = {field["key"]: field for field in fields}
    no_such = gettext("This exercise has no such question.")
    errors: dict[str, str] = {str(key): no_such for key in answers if key not in by_key}
    cleaned: Answers = {}
    for key, field in by_key.items():
        value = answers.get(key)
        if _is_blank(value):
            if field["required"] and not partial:
                errors[key] = gettext("This question needs an answer.")
            continue
        try:
            cleaned[key] = _ANSWER_CLEANERS[field["kind"]](field, value)
        except _AnswerError as exc:
            errors[key] = str(exc)
    if errors:
        raise ValidationError(errors)
    return cleaned


def answers_from_form(fields: list[FieldSpec], data: Mapping[str, Any]) -> Answers:
    """Typed answers from an HTML form's strings (a QueryDict or a dict of
    lists), for clean_answers to check. A value that does not convert is kept
    as it came, so that clean_answers reports it on its field."""
    getlist = getattr(data, "getlist", None)
    answers: Answers = {}
    for field in fields:
        key, kind = field["key"], field["kind"]
        if kind == FieldKind.CHECKLIST:
            answers[key] = list(getlist(key)) if getlist else list(data.get(key) or [])
            continue
        raw = data.get(key)
        if isinstance(raw, list):
            raw = raw[-1] if raw else None
        answers[key] = _from_form_string(kind, raw)
    return answers


def _from_form_string(kind: str, raw: Any) -> Any:
    if not isinstance(raw, str) or not raw.strip():
        return raw
    raw = raw.strip()
    if kind == FieldKind.YES_NO:
        return {"yes": True, "true": True, "no": False, "false": False}.get(raw.lower(), raw)
    if kind == FieldKind.SCALE and raw.isdigit():
        return int(raw)
    if kind == FieldKind.NUMBER:
        try:
            number = float(raw)
        except ValueError:
            return raw
        return int(number) if number.is_integer() and "." not in raw else number
    return raw
