"""The form a counselor fills in to translate their own exercise: one box
per piece of text (title, summary, instructions, each question's label,
help, choices and scale ends), the original shown beside each. A blank box
keeps the original text for readers of that language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from exercises.fields import FieldKind, FieldSpec
from exercises.models import ExerciseTemplate
from exercises.translations import FIELD_TEXT_LIMITS, LANGUAGE_CODES, TEXT_LIMITS, language_name


def _box(label: Any, original: str, limit: int, *, long: bool = False) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": 8 if limit > 1000 else 2}) if long else forms.TextInput()
    return forms.CharField(
        label=label,
        required=False,
        max_length=limit,
        widget=widget,
        help_text=original,
    )


class TemplateTranslationForm(forms.Form):
    """The translation of ``template`` into ``language``. Field names:
    title, summary, instructions, and per question ``q-<key>-label``,
    ``q-<key>-help_text``, ``q-<key>-min_label``, ``q-<key>-max_label`` and
    ``q-<key>-choice-<value>``."""

    language = forms.ChoiceField(label=_("Translate into"), choices=())

    def __init__(self, *args: Any, template: ExerciseTemplate, language: str, **kwargs: Any) -> None:
        current = (template.translations or {}).get(language) or {}
        by_key = {item["key"]: item for item in current.get("fields", [])}
        initial = {"language": language, **{name: current.get(name, "") for name in TEXT_LIMITS}}
        for spec in template.fields:
            given = by_key.get(spec["key"], {})
            for name in FIELD_TEXT_LIMITS:
                initial[f"q-{spec['key']}-{name}"] = given.get(name, "")
            for choice in spec.get("choices", []):
                initial[f"q-{spec['key']}-choice-{choice['value']}"] = (given.get("choices") or {}).get(
                    choice["value"], ""
                )
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.template = template
        language_field = self.fields["language"]
        assert isinstance(language_field, forms.ChoiceField)
        language_field.choices = [(code, language_name(code)) for code in LANGUAGE_CODES]
        self.fields["title"] = _box(_("Title"), template.title, TEXT_LIMITS["title"])
        self.fields["summary"] = _box(_("Summary"), template.summary, TEXT_LIMITS["summary"], long=True)
        self.fields["instructions"] = _box(
            _("Instructions (Markdown)"), template.instructions, TEXT_LIMITS["instructions"], long=True
        )
        self.questions: list[tuple[FieldSpec, list[str]]] = []
        for spec in template.fields:
            names = self._add_question(spec)
            self.questions.append((spec, names))

    def _add_question(self, spec: FieldSpec) -> list[str]:
        key = spec["key"]
        names = [f"q-{key}-label"]
        self.fields[names[0]] = _box(_("Question"), spec["label"], FIELD_TEXT_LIMITS["label"])
        if spec.get("help_text"):
            names.append(f"q-{key}-help_text")
            self.fields[names[-1]] = _box(_("Help"), spec["help_text"], FIELD_TEXT_LIMITS["help_text"])
        for choice in spec.get("choices", []):
            names.append(f"q-{key}-choice-{choice['value']}")
            self.fields[names[-1]] = _box(_("Choice"), choice["label"], 200)
        if spec["kind"] == FieldKind.SCALE:
            for name, label in (("min_label", _("Label for 1")), ("max_label", _("Label for 5"))):
                names.append(f"q-{key}-{name}")
                self.fields[names[-1]] = _box(label, spec.get(name, ""), FIELD_TEXT_LIMITS[name])
        return names

    def question_rows(self) -> list[tuple[FieldSpec, list[forms.BoundField]]]:
        """Each question with its boxes, for the page."""
        return [(spec, [self[name] for name in names]) for spec, names in self.questions]

    def text(self) -> dict[str, Any]:
        """The translation as exercises/translations.py stores it (blank boxes left out)."""
        data = self.cleaned_data
        text: dict[str, Any] = {name: data.get(name, "") for name in TEXT_LIMITS}
        fields: list[dict[str, Any]] = []
        for spec in self.template.fields:
            key = spec["key"]
            item: dict[str, Any] = {"key": key}
            for name in FIELD_TEXT_LIMITS:
                if data.get(f"q-{key}-{name}"):
                    item[name] = data[f"q-{key}-{name}"]
            choices = {
                choice["value"]: data[f"q-{key}-choice-{choice['value']}"]
                for choice in spec.get("choices", [])
                if data.get(f"q-{key}-choice-{choice['value']}")
            }
            if choices:
                item["choices"] = choices
            if len(item) > 1:
                fields.append(item)
        text["fields"] = fields
        return text


class WrittenInForm(forms.Form):
    """Which language the exercise's own text is written in (its translations are into the others)."""

    written_in = forms.ChoiceField(label=_("This exercise's own text is written in"), choices=())

    def __init__(self, *args: Any, template: ExerciseTemplate, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"written_in": template.language})
        kwargs["prefix"] = "own"
        super().__init__(*args, **kwargs)
        field = self.fields["written_in"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, language_name(code)) for code in LANGUAGE_CODES]
