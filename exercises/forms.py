"""Forms for the exercises pages.

``AnswerForm`` only *renders* a template's fields and carries what was typed
back to the page: the answers are checked by services (clean_answers), whose
ValidationError is keyed by field key and lands on the matching form field.
So its Django fields never reject anything themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.utils.text import slugify

from exercises import recurrence
from exercises.fields import (
    CHOICE_KINDS,
    MAX_FIELDS,
    SCALE_MAX,
    SCALE_MIN,
    TEXT_KINDS,
    Answers,
    FieldKind,
    FieldSpec,
    check_field_spec,
)
from exercises.models import Category, CompletionMode, ExerciseTemplate, TemplateKind, Visibility

ANSWER_PREFIX = "answer"
YES_NO_CHOICES = [("yes", "Yes"), ("no", "No")]


class _AnyValueField(forms.Field):
    """Passes whatever the widget read (a string or a list) through unchanged."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)


def _form_field(spec: FieldSpec) -> forms.Field:
    kind = spec["kind"]
    attrs: dict[str, Any] = {}
    if spec["help_text"]:
        attrs["aria-describedby"] = f"id_{ANSWER_PREFIX}-{spec['key']}_help"
    if kind in (FieldKind.SHORT_TEXT, FieldKind.LONG_TEXT) and spec.get("blame_hints"):
        # static/js/hints.js asks the server for hints on such a field as the partner types.
        attrs["data-blame-hints"] = "true"
    widget: forms.Widget
    if kind == FieldKind.SHORT_TEXT:
        widget = forms.TextInput(attrs={**attrs, "maxlength": spec["max_length"]})
    elif kind == FieldKind.LONG_TEXT:
        widget = forms.Textarea(attrs={**attrs, "maxlength": spec["max_length"], "rows": 4})
    elif kind == FieldKind.SINGLE_CHOICE:
        widget = forms.RadioSelect(choices=[(c["value"], c["label"]) for c in spec["choices"]])
    elif kind == FieldKind.CHECKLIST:
        widget = forms.CheckboxSelectMultiple(choices=[(c["value"], c["label"]) for c in spec["choices"]])
    elif kind == FieldKind.SCALE:
        widget = forms.RadioSelect(choices=[(str(n), str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)])
    elif kind == FieldKind.NUMBER:
        number_attrs = {**attrs, "step": "any", "inputmode": "decimal"}
        number_attrs.update({k: spec[k] for k in ("min", "max") if spec.get(k) is not None})
        widget = forms.NumberInput(attrs=number_attrs)
    elif kind == FieldKind.DATE:
        widget = forms.DateInput(attrs={**attrs, "type": "date"})
    else:  # yes/no
        widget = forms.RadioSelect(choices=YES_NO_CHOICES)
    field = _AnyValueField(label=spec["label"], help_text=spec["help_text"], widget=widget)
    field.spec = spec  # type: ignore[attr-defined]  # the template reads kind and scale labels
    return field


def _initial_value(spec: FieldSpec, value: Any) -> Any:
    """A stored answer as the form's widgets show it."""
    if spec["kind"] == FieldKind.YES_NO and isinstance(value, bool):
        return "yes" if value else "no"
    if spec["kind"] == FieldKind.CHECKLIST:
        return value or []
    return "" if value is None else str(value)


class AnswerForm(forms.Form):
    # A draft may leave required answers empty: the browser must not block it.
    use_required_attribute = False

    def __init__(self, *args: Any, field_specs: list[FieldSpec], answers: Answers | None = None, **kwargs: Any) -> None:
        answers = answers or {}
        kwargs.setdefault("prefix", ANSWER_PREFIX)
        kwargs["initial"] = {spec["key"]: _initial_value(spec, answers.get(spec["key"])) for spec in field_specs}
        super().__init__(*args, **kwargs)
        self.field_specs = field_specs
        for spec in field_specs:
            self.fields[spec["key"]] = _form_field(spec)
            self.fields[spec["key"]].required = spec["required"]  # for the label's marker only

    def raw_answers(self) -> dict[str, list[str]]:
        """The posted values by field key (prefix removed), for answers_from_form."""
        assert self.is_bound
        return {key: self.data.getlist(self.add_prefix(key)) for key in self.fields}  # type: ignore[attr-defined]

    def full_clean(self) -> None:
        # Validation belongs to services.clean_answers; here there is only the
        # cleaned_data that add_error expects to find.
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}


class CommentForm(forms.Form):
    body = forms.CharField(label="Comment for the couple", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    response = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(label="Note", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


SCHEDULE_CHOICES = [
    ("once", "Once, due on a date"),
    ("daily", "Every day"),
    ("weekly", "Every week, on chosen days"),
    ("every_n_weeks", "Every few weeks"),
]
END_CHOICES = [("never", "Keep going until I end it"), ("until", "Until a date"), ("count", "After a number of times")]
WEEKDAY_CHOICES = [
    (str(i), name)
    for i, name in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
]


class AssignForm(forms.Form):
    """A counselor's choice of template and schedule; turned into the
    service's arguments (an RRULE for a recurrence) by ``schedule_args``."""

    template = forms.ModelChoiceField(queryset=ExerciseTemplate.objects.none(), label="Exercise")
    note = forms.CharField(
        label="Note for the couple", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label="Starts on", widget=forms.DateInput(attrs={"type": "date"}))
    due_time = forms.TimeField(
        label="Due at (the couple's local time)", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    schedule = forms.ChoiceField(label="How often", choices=SCHEDULE_CHOICES, widget=forms.RadioSelect)
    due_on = forms.DateField(label="Due date (once)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.MultipleChoiceField(
        label="On these days (weekly)",
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: the weekday of the start date.",
    )
    interval = forms.IntegerField(
        label="Every how many weeks", min_value=2, max_value=recurrence.MAX_INTERVAL, required=False, initial=2
    )
    ends = forms.ChoiceField(label="Ends", choices=END_CHOICES, widget=forms.RadioSelect, initial="never")
    ends_on = forms.DateField(label="Last date", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label="Number of times", min_value=1, max_value=recurrence.MAX_COUNT, required=False)

    def __init__(self, *args: Any, templates: QuerySet[ExerciseTemplate], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = today
        self.fields["schedule"].initial = "once"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        schedule, ends = data.get("schedule"), data.get("ends")
        if schedule == "once" and not data.get("due_on"):
            self.add_error("due_on", "Choose the due date.")
        if schedule == "every_n_weeks" and not data.get("interval"):
            self.add_error("interval", "Say every how many weeks.")
        if schedule and schedule != "once":
            if ends == "until" and not data.get("ends_on"):
                self.add_error("ends_on", "Choose the last date.")
            if ends == "count" and not data.get("count"):
                self.add_error("count", "Say how many times.")
        return data

    def schedule_args(self) -> dict[str, Any]:
        """due_on or rrule for services.assignment_create; ValidationError
        keyed "schedule" if the recurrence cannot be built."""
        data = self.cleaned_data
        schedule = data["schedule"]
        if schedule == "once":
            return {"due_on": data["due_on"], "rrule": ""}
        ends = data["ends"]
        try:
            rrule = recurrence.build(
                freq=recurrence.DAILY if schedule == "daily" else recurrence.WEEKLY,
                interval=data["interval"] if schedule == "every_n_weeks" else 1,
                weekdays=[int(day) for day in data["weekdays"]] if schedule != "daily" else [],
                until=data["ends_on"] if ends == "until" else None,
                count=data["count"] if ends == "count" else None,
            )
        except ValidationError as exc:
            raise ValidationError({"schedule": exc.messages}) from None
        return {"due_on": None, "rrule": rrule}


class TemplateEditForm(forms.Form):
    """A counselor's own template, apart from its questions (FieldFormSet).
    services.template_create / template_update validate it all."""

    title = forms.CharField(max_length=120)
    summary = forms.CharField(max_length=300)
    instructions = forms.CharField(widget=forms.Textarea(attrs={"rows": 10}), help_text="Markdown.")
    estimated_minutes = forms.IntegerField(label="Minutes it takes", min_value=1, max_value=240)
    category = forms.ChoiceField(choices=Category.choices)
    completion_mode = forms.ChoiceField(label="Who completes it", choices=CompletionMode.choices)
    visibility = forms.ChoiceField(label="Who sees the answers", choices=Visibility.choices)
    kind = forms.ChoiceField(label="Done once or a practice", choices=TemplateKind.choices)

    NAMES = (
        "title",
        "summary",
        "instructions",
        "estimated_minutes",
        "category",
        "completion_mode",
        "visibility",
        "kind",
    )

    @classmethod
    def initial_for(cls, template: ExerciseTemplate) -> dict[str, Any]:
        return {name: getattr(template, name) for name in cls.NAMES}

    def changes(self) -> dict[str, Any]:
        data: Mapping[str, Any] = self.cleaned_data
        return {name: data[name] for name in self.NAMES}


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

    label = forms.CharField(label="Question", max_length=200, required=False)
    key = forms.CharField(
        label="Short name (used in exports)",
        max_length=40,
        required=False,
        help_text="Names this question's column in exports and the record. Left blank, it is made from the question.",
    )
    kind = forms.ChoiceField(label="Kind of answer", choices=FieldKind.choices, initial=FieldKind.SHORT_TEXT)
    help_text = forms.CharField(label="Help text", max_length=500, required=False)
    required = forms.BooleanField(label="An answer is required", required=False)
    max_length = forms.IntegerField(
        label="Maximum length (text)",
        min_value=1,
        required=False,
        help_text="Characters; blank for the usual limit (200 short, 4000 long).",
    )
    blame_hints = forms.BooleanField(label="Suggest “I” statement wording (text)", required=False)
    choices = forms.CharField(
        label="Choices, one per line (single choice, checklist)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    min = forms.FloatField(
        label="Minimum (number), or fewest to tick (checklist)",
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    max = forms.FloatField(
        label="Maximum (number), or most to tick (checklist)",
        required=False,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    min_label = forms.CharField(label="Label for 1 (scale)", max_length=60, required=False)
    max_label = forms.CharField(label="Label for 5 (scale)", max_length=60, required=False)

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
            raise ValidationError("Add at least one question.")
        if len(rows) > MAX_FIELDS:
            raise ValidationError(f"An exercise can have at most {MAX_FIELDS} questions.")
        typed = [row.cleaned_data["key"].strip() for row in rows]
        taken = {key for key in typed if key}
        seen: set[str] = set()
        specs: list[FieldSpec] = []
        for row, key in zip(rows, typed, strict=True):
            if not key:
                key = key_from_label(row.cleaned_data["label"], taken)
                taken.add(key)
            elif key in seen:
                row.add_error("key", "Another question already uses this key.")
            seen.add(key)
            try:
                specs.append(check_field_spec(row.spec(key)))
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    for message in messages:
                        row.add_error(None if name == NON_FIELD_ERRORS or name not in row.fields else name, message)
        if any(row.errors for row in rows):
            raise ValidationError("Some questions need another look: see the messages on them.")
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
