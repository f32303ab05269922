"""An exercise's text in more than one language.

A template is written in one language (``ExerciseTemplate.language``) and may
carry translations of its text into the others (``translations``)::

    {"es": {"title": "...", "summary": "...", "instructions": "...",
            "fields": [{"key": "feeling", "label": "...", "help_text": "...",
                        "choices": {"value": "label"},
                        "min_label": "...", "max_label": "..."}]}}

Only what people read is translated: a question's key, kind, limits and its
choices' values stay the template's own, so answers are the same data in
every language. Answers themselves are stored as their author wrote them and
never translated.

An assignment keeps a snapshot of its fields' translations with its snapshot
of the fields (``snapshot_for_assignment``); its title, summary and
instructions are, like the original's, the template's current ones.

``localized_text(obj, language)`` gives what a reader of ``language`` sees,
falling back to the original text wherever a translation has a gap.
``clean_translations`` checks a translation before it is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, gettext_lazy

from accounts.languages import active_language
from exercises.fields import CHOICE_KINDS, FieldSpec

if TYPE_CHECKING:
    from exercises.models import Assignment, ExerciseTemplate

Translations = dict[str, dict[str, Any]]

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)
DEFAULT_LANGUAGE = "en"
TEXT_LIMITS = {"title": 120, "summary": 300, "instructions": 20000}
FIELD_TEXT_LIMITS = {"label": 200, "help_text": 500, "min_label": 60, "max_label": 60}


# Names as they read inside a sentence of the reader's language ("a translation
# into Spanish", "una traducción al español"); settings.LANGUAGES holds each
# language's own name, for the footer's switch.
LANGUAGE_NAMES = {"en": gettext_lazy("English"), "es": gettext_lazy("Spanish")}


def language_name(code: str) -> str:
    """A language's name in the reader's language ("Spanish", "español")."""
    return str(LANGUAGE_NAMES.get(code, code))


# --- Reading: the text a reader of one language sees ---------------------------------


@dataclass(frozen=True)
class LocalizedExercise:
    """An exercise's text for one reader. ``instructions`` is Markdown (render
    it with the ``markdown`` filter); ``fields`` are full field specs with
    their labels, help, choices' labels and scale ends in ``language``
    wherever a translation has them, the original's elsewhere."""

    language: str
    title: str
    summary: str
    instructions: str
    fields: list[FieldSpec]
    translated: bool


def localize_fields(fields: list[FieldSpec], translated: Any) -> list[FieldSpec]:
    """The field specs with each translated text put in place (copies; the originals are untouched)."""
    by_key: dict[str, Mapping[str, Any]] = {}
    if isinstance(translated, list):
        by_key = {str(item.get("key")): item for item in translated if isinstance(item, Mapping)}
    localized: list[FieldSpec] = []
    for spec in fields:
        given = by_key.get(spec["key"], {})
        copy = dict(spec)
        for name in FIELD_TEXT_LIMITS:
            if name in spec and isinstance(given.get(name), str) and given[name].strip():
                copy[name] = given[name]
        choice_labels = given.get("choices")
        if "choices" in spec and isinstance(choice_labels, Mapping):
            copy["choices"] = [
                {"value": choice["value"], "label": choice_labels.get(choice["value"]) or choice["label"]}
                for choice in spec["choices"]
            ]
        localized.append(copy)
    return localized


def _parts(obj: ExerciseTemplate | Assignment) -> tuple[ExerciseTemplate, str, list[FieldSpec], Mapping[str, Any]]:
    """(template, original language, original fields, fields' translations by language)."""
    from exercises.models import Assignment

    if isinstance(obj, Assignment):
        return obj.template, obj.language or DEFAULT_LANGUAGE, obj.fields, obj.translations or {}
    return obj, obj.language or DEFAULT_LANGUAGE, obj.fields, obj.translations or {}


def localized_text(obj: ExerciseTemplate | Assignment, language: str | None = None) -> LocalizedExercise:
    """What a reader of ``language`` (default: the active one) sees of a
    template, or of an assignment (its own snapshot of the fields and their
    translations; the template's title, summary and instructions)."""
    language = language or active_language()
    template, original, fields, field_translations = _parts(obj)
    text = (template.translations or {}).get(language) if language != original else None
    fields_text = field_translations.get(language) if language != original else None
    if not text and not fields_text:
        return LocalizedExercise(
            original, template.title, template.summary, template.instructions, list(fields), translated=False
        )
    text = text or {}
    return LocalizedExercise(
        language,
        text.get("title") or template.title,
        text.get("summary") or template.summary,
        text.get("instructions") or template.instructions,
        localize_fields(fields, (fields_text or {}).get("fields")),
        translated=True,
    )


def localized_title(obj: ExerciseTemplate | Assignment, language: str | None = None) -> str:
    """Only the title (no field work): lists, e-mails, notices."""
    from exercises.models import Assignment

    language = language or active_language()
    # Not _parts(): it reads the fields, which a reminder's query leaves unloaded.
    template = obj.template if isinstance(obj, Assignment) else obj
    original = obj.language or DEFAULT_LANGUAGE
    if language == original:
        return template.title
    return str(((template.translations or {}).get(language) or {}).get("title") or template.title)


def snapshot_for_assignment(template: ExerciseTemplate) -> Translations:
    """The fields' translations an assignment keeps with its copy of the fields."""
    return {
        language: {"fields": text["fields"]}
        for language, text in (template.translations or {}).items()
        if isinstance(text, Mapping) and text.get("fields")
    }


def missing_text(template: ExerciseTemplate, language: str) -> list[str]:
    """What a translation into ``language`` still lacks (empty when complete):
    "title", "fields.<key>.label", "fields.<key>.choices.<value>"..."""
    text = (template.translations or {}).get(language) or {}
    missing = [name for name in ("title", "summary", "instructions") if getattr(template, name) and not text.get(name)]
    by_key = {item["key"]: item for item in text.get("fields", [])}
    for spec in template.fields:
        given = by_key.get(spec["key"], {})
        for name in FIELD_TEXT_LIMITS:
            if spec.get(name) and not given.get(name):
                missing.append(f"fields.{spec['key']}.{name}")
        for choice in spec.get("choices", []):
            if not (given.get("choices") or {}).get(choice["value"]):
                missing.append(f"fields.{spec['key']}.choices.{choice['value']}")
    return missing


@dataclass(frozen=True)
class TranslationSummary:
    language: str
    name: str
    present: bool
    missing: int


def translation_summaries(template: ExerciseTemplate) -> list[TranslationSummary]:
    """One line per language the template is not written in: is there a translation, and how many gaps."""
    return [
        TranslationSummary(
            code,
            language_name(code),
            code in (template.translations or {}),
            len(missing_text(template, code)),
        )
        for code in LANGUAGE_CODES
        if code != template.language
    ]


# --- Writing: is this a well-formed translation of this template? -------------------


def _clean_text(value: Any, where: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({"translations": gettext("“%(where)s” must be text.") % {"where": where}})
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(
            {
                "translations": gettext("“%(where)s” must be at most %(limit)d characters.")
                % {"where": where, "limit": limit}
            }
        )
    return value


def _clean_field_translation(spec: FieldSpec, given: Mapping[str, Any]) -> dict[str, Any]:
    key = spec["key"]
    allowed = {"key", "choices", *(name for name in FIELD_TEXT_LIMITS if name in spec)}
    unknown = sorted(set(given) - allowed)
    if unknown:
        raise ValidationError(
            {
                "translations": gettext("The question “%(key)s” has nothing called: %(names)s.")
                % {"key": key, "names": ", ".join(unknown)}
            }
        )
    cleaned: dict[str, Any] = {"key": key}
    for name, limit in FIELD_TEXT_LIMITS.items():
        if name in given:
            text = _clean_text(given[name], f"{key}.{name}", limit)
            if text:
                cleaned[name] = text
    if "choices" in given:
        raw = given["choices"]
        offered = [choice["value"] for choice in spec.get("choices", [])]
        if spec["kind"] not in CHOICE_KINDS or not isinstance(raw, Mapping):
            raise ValidationError(
                {"translations": gettext("The question “%(key)s” has no choices to translate.") % {"key": key}}
            )
        strays = sorted(str(value) for value in raw if value not in offered)
        if strays:
            raise ValidationError(
                {
                    "translations": gettext("The question “%(key)s” has no choice: %(values)s.")
                    % {"key": key, "values": ", ".join(strays)}
                }
            )
        labels = {value: _clean_text(raw[value], f"{key}.choices.{value}", 200) for value in offered if raw.get(value)}
        if labels:
            cleaned["choices"] = labels
    return cleaned


def clean_translations(translations: Any, *, language: str, fields: list[FieldSpec]) -> Translations:
    """A template's translations, checked against its own language and
    fields and normalised (text stripped, blanks dropped, a language with
    nothing left dropped). ValidationError({"translations": ...}) names the
    language or the question at fault."""
    if translations in (None, ""):
        return {}
    if not isinstance(translations, Mapping):
        raise ValidationError({"translations": gettext("Translations must be an object keyed by language.")})
    cleaned: Translations = {}
    by_key = {spec["key"]: spec for spec in fields}
    for code, text in translations.items():
        if code == language:
            raise ValidationError(
                {
                    "language": gettext("The exercise is written in %(language)s already: choose another language.")
                    % {"language": language_name(code)}
                }
            )
        if code not in LANGUAGE_CODES:
            raise ValidationError(
                {"language": gettext("“%(code)s” is not a language the portal offers.") % {"code": code}}
            )
        if not isinstance(text, Mapping) or set(text) - {*TEXT_LIMITS, "fields"}:
            raise ValidationError(
                {"translations": gettext("A translation holds only a title, a summary, instructions and fields.")}
            )
        entry: dict[str, Any] = {}
        for name, limit in TEXT_LIMITS.items():
            value = _clean_text(text.get(name), name, limit)
            if value:
                entry[name] = value
        field_entries: list[dict[str, Any]] = []
        raw_fields = text.get("fields") or []
        if not isinstance(raw_fields, list):
            raise ValidationError({"translations": gettext("A translation's fields must be a list.")})
        for given in raw_fields:
            key = given.get("key") if isinstance(given, Mapping) else None
            if key not in by_key:
                raise ValidationError(
                    {"translations": gettext("This exercise has no question “%(key)s”.") % {"key": key}}
                )
            field_entry = _clean_field_translation(by_key[str(key)], given)
            if len(field_entry) > 1:
                field_entries.append(field_entry)
        if field_entries:
            entry["fields"] = field_entries
        if entry:
            cleaned[str(code)] = entry
    return cleaned
