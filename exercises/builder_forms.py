"""The field builder's forms: one row per question of a counselor's own
template, and the formset of them (``field_formset``). Each row becomes a
field spec checked by exercises.fields; the service checks the whole list
again when it saves."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from exercises.fields import CHOICE_KINDS, MAX_FIELDS, TEXT_KINDS, FieldKind, FieldSpec, check_field_spec
from exercises.models import ExerciseTemplate

# --- The field builder: one row per question -----------------------------------------------

# The kinds each optional row input applies to (the page hides the others; without
# script every input shows, and the ones a kind does not take are ignored).
ROW_EXTRAS: dict[str, tuple[str, ...]] = {
    "max_length": TEXT_KINDS,
    "blame_hints": TEXT_KINDS,
    "choices": CHOICE_KINDS,
    "min": (FieldKind.NUMBER, FieldKind.CHECKLIST),
    "max": (FieldKind.NUMBER, FieldKind.CHECKLIST),
    "min_label": (FieldKind.SCALE,),
    "max_label": (FieldKind.SCALE,),
}


def key_from_label(label: str, taken: set[str]) -> str:
    """A field key made from its label ("How close did you feel?" -> how_close_did_you_feel),
    unique among ``taken``."""
    base = slugify(label).replace("-", "_")[:36].strip("_") or "question"
    if not base[0].isalpha():
        base = f"q_{base}"[:36]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}_{n}", n + 1
    return key


def _number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


class FieldRowForm(forms.Form):
    """One question of a template. Its values become a field spec
    (``spec``), checked by exercises.fields.check_field_spec."""

    label = forms.CharField(label=_("Question"), max_length=200, required=False)
    key = forms.CharField(
        label=_("Short name (used in exports)"),
        max_length=40,
        required=False,
        help_text=_(
            "Names this question's column in exports and the record. Left blank, it is made from the question."
        ),
    )
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=FieldKind.choices, initial=FieldKind.SHORT_TEXT)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    max_length = forms.IntegerField(
        label=_("Maximum length (text)"),
        min_value=1,
        required=False,
        help_text=_("Characters; blank for the usual limit (200 short, 4000 long)."),
    )
    blame_hints = forms.BooleanField(label=_("Suggest “I” statement wording (text)"), required=False)
    choices = forms.CharField(
        label=_("Choices, one per line (single choice, checklist)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    min = forms.FloatField(
        label=_("Minimum (number), or fewest to tick (checklist)"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    max = forms.FloatField(
        label=_("Maximum (number), or most to tick (checklist)"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    min_label = forms.CharField(label=_("Label for 1 (scale)"), max_length=60, required=False)
    max_label = forms.CharField(label=_("Label for 5 (scale)"), max_length=60, required=False)

    def __init__(self, *args: Any, previous: Mapping[str, FieldSpec] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous = previous or {}
        for name, kinds in ROW_EXTRAS.items():
            self.fields[name].widget.attrs["data-kinds"] = " ".join(str(kind) for kind in kinds)

    def has_changed(self) -> bool:
        # The page's script numbers every block's order; a blank block is still blank.
        return any(name not in ("ORDER", "DELETE") for name in self.changed_data)

    @staticmethod
    def initial_for(spec: FieldSpec) -> dict[str, Any]:
        initial = {
            name: spec.get(name)
            for name in (
                "label",
                "key",
                "kind",
                "help_text",
                "required",
                "max_length",
                "blame_hints",
                "min",
                "max",
                "min_label",
                "max_label",
            )
        }
        initial["choices"] = "\n".join(choice["label"] for choice in spec.get("choices", []))
        return initial

    def _choices(self, key: str, lines: str) -> list[dict[str, str]]:
        """Choices from lines; a label that was already offered keeps its value,
        so answers given before still match."""
        before = {c["label"]: c["value"] for c in self.previous.get(key, {}).get("choices", [])}
        choices: list[dict[str, str]] = []
        taken: set[str] = set()
        for line in lines.splitlines():
            label = line.strip()
            if not label:
                continue
            value = before.get(label) or key_from_label(label, taken)[:60]
            if value in taken:
                value = key_from_label(label, taken)
            taken.add(value)
            choices.append({"value": value, "label": label})
        return choices

    def spec(self, key: str) -> FieldSpec:
        """The raw field spec for check_field_spec (with ``key`` decided by the formset)."""
        data = self.cleaned_data
        kind = data["kind"]
        spec: FieldSpec = {
            "key": key,
            "kind": kind,
            "label": data["label"],
            "help_text": data["help_text"],
            "required": bool(data["required"]),
        }
        if kind in TEXT_KINDS:
            if data["max_length"] is not None:
                spec["max_length"] = data["max_length"]
            spec["blame_hints"] = bool(data["blame_hints"])
        if kind in CHOICE_KINDS:
            spec["choices"] = self._choices(key, data["choices"])
        if kind in (FieldKind.NUMBER, FieldKind.CHECKLIST):
            spec["min"], spec["max"] = _number(data["min"]), _number(data["max"])
        if kind == FieldKind.SCALE:
            spec["min_label"], spec["max_label"] = data["min_label"], data["max_label"]
        return spec


class BaseFieldFormSet(forms.BaseFormSet):
    """The questions of a template, in order. ``specs`` is the cleaned list,
    every row checked by exercises.fields with errors on the row's inputs;
    the service checks the whole list again when it saves."""

    def __init__(self, *args: Any, previous: list[FieldSpec] | None = None, **kwargs: Any) -> None:
        self.previous = {spec["key"]: spec for spec in previous or []}
        super().__init__(*args, **kwargs)
        self.specs: list[FieldSpec] = []

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "previous": self.previous}

    def clean(self) -> None:
        # A tampered management form (TOTAL_FORMS and the like) is Django's
        # own error already; without it there are no rows to order.
        if any(self.errors) or not self.management_form.is_valid():
            return
        rows = self.ordered_forms  # kept rows with something in them, in the chosen order
        if not rows:
            raise ValidationError(gettext("Add at least one question."))
        if len(rows) > MAX_FIELDS:
            raise ValidationError(gettext("An exercise can have at most %(count)d questions.") % {"count": MAX_FIELDS})
        typed = [row.cleaned_data["key"].strip() for row in rows]
        taken = {key for key in typed if key}
        seen: set[str] = set()
        specs: list[FieldSpec] = []
        for row, key in zip(rows, typed, strict=True):
            if not key:
                key = key_from_label(row.cleaned_data["label"], taken)
                taken.add(key)
            elif key in seen:
                row.add_error("key", gettext("Another question already uses this key."))
            seen.add(key)
            try:
                specs.append(check_field_spec(row.spec(key)))
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        row.add_error(None if name == NON_FIELD_ERRORS or name not in row.fields else name, message)
        if any(row.errors for row in rows):
            raise ValidationError(gettext("Some questions need another look: see the messages on them."))
        self.specs = specs


FieldFormSet = forms.formset_factory(
    FieldRowForm,
    formset=BaseFieldFormSet,
    extra=2,
    can_order=True,
    can_delete=True,
    max_num=MAX_FIELDS,
    validate_max=True,
    absolute_max=MAX_FIELDS + 10,
)
FIELDS_PREFIX = "fields"


def field_formset(data: Any, template: ExerciseTemplate | None) -> BaseFieldFormSet:
    previous = list(template.fields) if template is not None else []
    formset: BaseFieldFormSet = FieldFormSet(  # type: ignore[call-arg,assignment]  # our formset's own kwarg
        data,
        prefix=FIELDS_PREFIX,
        initial=[FieldRowForm.initial_for(spec) for spec in previous],
        previous=previous,
    )
    return formset
