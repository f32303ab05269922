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
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from exercises import recurrence
from exercises.builder_forms import (  # the field builder's forms, reachable from here too
    FIELDS_PREFIX,
    BaseFieldFormSet,
    FieldFormSet,
    FieldRowForm,
    field_formset,
    key_from_label,
)
from exercises.fields import (
    SCALE_MAX,
    SCALE_MIN,
    Answers,
    FieldKind,
    FieldSpec,
)
from exercises.models import Category, CompletionMode, ExerciseTemplate, TemplateKind, Visibility
from exercises.translations import localized_title

ANSWER_PREFIX = "answer"
YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No"))]


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
    body = forms.CharField(label=_("Comment for the couple"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    response = forms.IntegerField(required=False, widget=forms.HiddenInput)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


SCHEDULE_CHOICES = [
    ("once", _("Once, due on a date")),
    ("daily", _("Every day")),
    ("weekly", _("Every week, on chosen days")),
    ("every_n_weeks", _("Every few weeks")),
]
END_CHOICES = [
    ("never", _("Keep going until I end it")),
    ("until", _("Until a date")),
    ("count", _("After a number of times")),
]
# Django's own catalogue names the days in the active language.
WEEKDAY_CHOICES = [
    (str(i), name)
    for i, name in enumerate(
        [_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday")]
    )
]


class TemplateChoiceField(forms.ModelChoiceField):
    """A template by its title in the reader's language, built-ins marked."""

    def label_from_instance(self, obj: Any) -> str:
        title = localized_title(obj)
        return gettext("%(title)s (built-in)") % {"title": title} if obj.is_builtin else title


class AssignForm(forms.Form):
    """A counselor's choice of template and schedule; turned into the
    service's arguments (an RRULE for a recurrence) by ``schedule_args``."""

    template = TemplateChoiceField(queryset=ExerciseTemplate.objects.none(), label=_("Exercise"))
    note = forms.CharField(
        label=_("Note for the couple"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=forms.DateInput(attrs={"type": "date"}))
    due_time = forms.TimeField(
        label=_("Due at (the couple's local time)"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    schedule = forms.ChoiceField(label=_("How often"), choices=SCHEDULE_CHOICES, widget=forms.RadioSelect)
    due_on = forms.DateField(label=_("Due date (once)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    weekdays = forms.MultipleChoiceField(
        label=_("On these days (weekly)"),
        choices=WEEKDAY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the weekday of the start date."),
    )
    interval = forms.IntegerField(
        label=_("Every how many weeks"), min_value=2, max_value=recurrence.MAX_INTERVAL, required=False, initial=2
    )
    ends = forms.ChoiceField(
        label=pgettext_lazy("recurrence", "Ends"), choices=END_CHOICES, widget=forms.RadioSelect, initial="never"
    )
    ends_on = forms.DateField(label=_("Last date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    count = forms.IntegerField(label=_("Number of times"), min_value=1, max_value=recurrence.MAX_COUNT, required=False)

    def __init__(self, *args: Any, templates: QuerySet[ExerciseTemplate], today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = templates  # type: ignore[attr-defined]
        self.fields["starts_on"].initial = today
        self.fields["schedule"].initial = "once"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        schedule, ends = data.get("schedule"), data.get("ends")
        if schedule == "once" and not data.get("due_on"):
            self.add_error("due_on", gettext("Choose the due date."))
        if schedule == "every_n_weeks" and not data.get("interval"):
            self.add_error("interval", gettext("Say every how many weeks."))
        if schedule and schedule != "once":
            if ends == "until" and not data.get("ends_on"):
                self.add_error("ends_on", gettext("Choose the last date."))
            if ends == "count" and not data.get("count"):
                self.add_error("count", gettext("Say how many times."))
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

    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(label=_("Summary"), max_length=300)
    instructions = forms.CharField(
        label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 10}), help_text=_("Markdown.")
    )
    estimated_minutes = forms.IntegerField(label=_("Minutes it takes"), min_value=1, max_value=240)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    completion_mode = forms.ChoiceField(label=_("Who completes it"), choices=CompletionMode.choices)
    visibility = forms.ChoiceField(label=_("Who sees the answers"), choices=Visibility.choices)
    kind = forms.ChoiceField(label=_("Done once or a practice"), choices=TemplateKind.choices)

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


__all__ = [
    "ANSWER_PREFIX",
    "FIELDS_PREFIX",
    "AnswerForm",
    "AssignForm",
    "BaseFieldFormSet",
    "CommentForm",
    "FieldFormSet",
    "FieldRowForm",
    "NoteForm",
    "TemplateEditForm",
    "field_formset",
    "key_from_label",
]
