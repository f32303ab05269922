"""Forms for the scheduling pages: they parse input; the services decide."""

from __future__ import annotations

import re
import zoneinfo
from datetime import date, datetime, time
from itertools import pairwise
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Couple, User
from portal.form_fields import PersonChoiceField, TimeZoneField, practice_time_zone
from scheduling.hours_text import (  # noqa: F401 (format_weekly_hours and parse_weekly_hours are re-exported)
    HOURS_HELP,
    WeeklyHoursField,
    format_weekly_hours,
    parse_weekly_hours,
)
from scheduling.models import (
    AppointmentKind,
    Location,
    Specialty,
    Weekday,
)
from scheduling.services import LOCATION_FIELDS, HoursInterval


class LocationForm(forms.ModelForm):
    time_zone = TimeZoneField(initial=practice_time_zone, label=_("Time zone"))
    opening_hours = WeeklyHoursField(required=False, help_text=HOURS_HELP, label=_("Opening hours"))

    class Meta:
        model = Location
        fields = list(LOCATION_FIELDS)
        labels = {
            "name": _("Name"),
            "slug": _("Short name for links"),
            "kind": _("Kind of location"),
            "address_line1": _("Address line 1"),
            "address_line2": _("Address line 2"),
            "city": _("City"),
            "state": _("State"),
            "postal_code": _("ZIP code"),
            "phone": _("Phone"),
            "is_active": _("Active"),
            "latitude": _("Latitude"),
            "longitude": _("Longitude"),
            "directions": _("Directions"),
        }


class SpecialtyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class SpecialtiesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class IntakeRequestForm(forms.Form):
    """The public "Schedule with ..." form."""

    preferred_location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        required=False,
        empty_label=_("No preference"),
        label=_("Preferred location"),
    )
    prefers_online = forms.BooleanField(required=False, label=_("We would like to meet online"))
    specialty = SpecialtyChoiceField(
        queryset=Specialty.objects.order_by("name"),
        required=False,
        label=_("Kind of counseling"),
        empty_label=_("Not sure"),
    )
    preferred_times = forms.CharField(
        max_length=300,
        required=False,
        label=_("Preferred days and times"),
        help_text=_("For example “Tuesday evenings”."),
    )
    names = forms.CharField(
        max_length=200, label=_("Your names"), help_text=_("Both partners, if you are coming together.")
    )
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(max_length=32, required=False, label=_("Phone"))
    note = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Anything you would like us to know"),
        help_text=_("Please keep it short; we will talk in person. Do not use this form in an emergency."),
    )
    # The honeypot: hidden from people, filled in by bots.
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def __init__(self, *args: Any, locations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if locations is not None:
            self.fields["preferred_location"].queryset = locations  # type: ignore[attr-defined]
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("website", "").strip())


class DirectoryFilterForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("Any location"),
        label=_("Location"),
    )
    specialty = SpecialtyChoiceField(
        queryset=Specialty.objects.order_by("name"),
        required=False,
        to_field_name="slug",
        empty_label=_("Any"),
        label=_("Kind of counseling"),
    )
    online = forms.BooleanField(required=False, label=_("Sees clients online"))


class CounselorProfileForm(forms.Form):
    credentials = forms.CharField(
        max_length=100, required=False, label=_("Credentials"), help_text=_("For example “MA, LMHCA”.")
    )
    title = forms.CharField(max_length=150, required=False, label=pgettext_lazy("job title", "Title"))
    bio = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), label=_("Bio"))
    specialties = SpecialtiesField(
        queryset=Specialty.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Specialties"),
    )
    locations = forms.ModelMultipleChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Locations"),
    )
    sees_online = forms.BooleanField(required=False, label=_("Sees clients online"))
    is_accepting_new_clients = forms.BooleanField(required=False, initial=True, label=_("Accepting new clients"))
    on_leave = forms.BooleanField(
        required=False, label=_("On leave"), help_text=_("Hidden from the directory, search and booking.")
    )


# How many rows one weekday may post (a guard against a made-up form, not a
# rule: three or four intervals a day is already a lot).
MOST_ROWS_A_DAY = 12
HOURS_ROW_NAME = re.compile(r"^d(?P<day>[0-6])_(?P<row>\d{1,2})_(?:start|end)$")


class HoursOfficeForm(forms.Form):
    """Which office's hours the pickers below edit (a GET form: ?location=<id>)."""

    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"), label=_("Office"), empty_label=None
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the hours form below carries a hidden "location" too.
        kwargs.setdefault("auto_id", "id_hours_%s")
        super().__init__(*args, **kwargs)


class WorkingHoursForm(forms.Form):
    """A counselor's weekly hours at one office, as rows of time pickers per
    weekday: fields d<weekday>_<row>_start and _end. A row with both times
    empty is no interval (that is how a row is removed without JavaScript);
    each day is offered one empty row more, and static/js/hours.js adds and
    removes rows in place."""

    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"), widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, rows: dict[int, list[tuple[time, time]]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = rows or {}
        posted: dict[int, set[int]] = {day: set() for day, _ in Weekday.choices}
        for name in self.data if self.is_bound else ():
            found = HOURS_ROW_NAME.match(name)
            if found and int(found["row"]) < MOST_ROWS_A_DAY:
                posted[int(found["day"])].add(int(found["row"]))
        self.row_numbers: dict[int, list[int]] = {}
        for day, label in Weekday.choices:
            numbers = sorted(posted[day]) if self.is_bound else list(range(len(rows.get(day, [])) + 1))
            self.row_numbers[day] = numbers or [0]
            for number in self.row_numbers[day]:
                initial = rows.get(day, [])[number] if number < len(rows.get(day, [])) else (None, None)
                for part, value in zip(("start", "end"), initial, strict=True):
                    self.fields[f"d{day}_{number}_{part}"] = forms.TimeField(
                        required=False,
                        initial=value,
                        label=(
                            gettext("%(day)s, interval %(number)s: from")
                            if part == "start"
                            else gettext("%(day)s, interval %(number)s: to")
                        )
                        % {"day": label, "number": number + 1},
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )

    def days(self) -> list[tuple[int, str, list[tuple[int, forms.BoundField, forms.BoundField]]]]:
        """(weekday, its name, [(row number, start field, end field)]) for the template."""
        return [
            (day, str(label), [(n, self[f"d{day}_{n}_start"], self[f"d{day}_{n}_end"]) for n in self.row_numbers[day]])
            for day, label in Weekday.choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        intervals: list[HoursInterval] = []
        for day, label in Weekday.choices:
            day_rows = []
            for place, number in enumerate(self.row_numbers[day], start=1):
                start, end = data.get(f"d{day}_{number}_start"), data.get(f"d{day}_{number}_end")
                if start is None and end is None:
                    continue
                if start is None:
                    self.add_error(
                        f"d{day}_{number}_start",
                        gettext("%(day)s, interval %(number)s: give the start too, or clear both times to remove it.")
                        % {"day": label, "number": place},
                    )
                elif end is None:
                    self.add_error(
                        f"d{day}_{number}_end",
                        gettext("%(day)s, interval %(number)s: give the end too, or clear both times to remove it.")
                        % {"day": label, "number": place},
                    )
                elif end <= start:
                    self.add_error(
                        f"d{day}_{number}_end",
                        gettext(
                            "%(day)s, interval %(number)s: the end (%(end)s) must come after the start (%(start)s)."
                        )
                        % {"day": label, "number": place, "end": f"{end:%H:%M}", "start": f"{start:%H:%M}"},
                    )
                else:
                    day_rows.append((start, end, place, number))
            day_rows.sort()
            for (_start, earlier_end, earlier, _n), (later_start, _end, later, number) in pairwise(day_rows):
                if later_start < earlier_end:
                    self.add_error(
                        f"d{day}_{number}_start",
                        gettext("%(day)s, interval %(later)s overlaps interval %(earlier)s: change one of them.")
                        % {"day": label, "later": later, "earlier": earlier},
                    )
            intervals += [HoursInterval(day, start, end) for start, end, _place, _n in day_rows]
        data["intervals"] = intervals
        return data


class TimeOffForm(forms.Form):
    starts_on = forms.DateField(label=_("First day off"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day off"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(max_length=200, required=False, label=_("Reason"), help_text=_("Staff only."))
    # Set by the "add it anyway" button shown when sessions are booked then.
    confirm_booked = forms.BooleanField(required=False, widget=forms.HiddenInput)


def _location_time(location: Location, day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=zoneinfo.ZoneInfo(location.time_zone))


class BookingWhenForm(forms.Form):
    """Step 2 of booking (a GET): counselor, office, week and length. The view
    looks the ids up in the viewer's scope (out of scope is a 404); this form
    only draws the menus."""

    counselor = PersonChoiceField(
        queryset=User.objects.none(), empty_label=_("Choose a counselor"), label=_("Counselor")
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), empty_label=_("Choose an office"), label=_("Office")
    )
    week = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("Week starting"))
    duration_minutes = forms.IntegerField(min_value=10, max_value=240, label=_("Length (minutes)"))

    def __init__(self, *args: Any, counselors: Any, locations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors  # type: ignore[attr-defined]
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]


class BookingConfirmForm(forms.Form):
    """Step 3 of booking: what is added to the chosen who and when."""

    telehealth_url = forms.URLField(required=False, label=_("Video link"), assume_scheme="https")
    staff_note = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Staff note"),
        help_text=_("Staff only."),
    )
    override_hours_reason = forms.CharField(
        max_length=300,
        required=False,
        label=_("Reason to book outside the hours"),
        help_text=_(
            "Only needed when the time is outside the counselor's working hours or the office's opening hours."
        ),
    )


class BookingForm(forms.Form):
    """One appointment: a slot from the search, or a day and time in the location's time zone."""

    counselor = PersonChoiceField(queryset=User.objects.none(), label=_("Counselor"))
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"), label=_("Location")
    )
    slot = forms.DateTimeField(required=False, widget=forms.HiddenInput)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("Day"))
    start_time = forms.TimeField(
        required=False, widget=forms.TimeInput(attrs={"type": "time"}), label=pgettext_lazy("time", "Start")
    )
    duration_minutes = forms.IntegerField(min_value=10, max_value=240, initial=50, label=_("Length (minutes)"))
    kind = forms.ChoiceField(
        choices=AppointmentKind.choices, initial=AppointmentKind.COUPLE_SESSION, label=_("Kind of appointment")
    )
    couple = forms.ModelChoiceField(queryset=Couple.objects.none(), required=False, label=_("Couple"))
    individual_client = PersonChoiceField(queryset=User.objects.none(), required=False, label=_("Which partner"))
    intake_names = forms.CharField(max_length=200, required=False, label=_("Prospective clients (intake)"))
    intake_email = forms.EmailField(required=False, label=_("Their e-mail (intake)"))
    telehealth_url = forms.URLField(required=False, label=_("Telehealth link"), assume_scheme="https")
    staff_note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Staff note"), help_text=_("Staff only.")
    )
    override_hours = forms.BooleanField(required=False, label=_("Book outside working or opening hours"))
    override_hours_reason = forms.CharField(max_length=300, required=False, label=_("Reason for the override"))

    def __init__(self, *args: Any, counselors: Any, couples: Any, clients: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors  # type: ignore[attr-defined]
        self.fields["couple"].queryset = couples  # type: ignore[attr-defined]
        self.fields["individual_client"].queryset = clients  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        location = data.get("location")
        if data.get("slot") is None and location is not None:
            if data.get("day") is None or data.get("start_time") is None:
                raise ValidationError(gettext("Choose a free time, or give a day and a start time."))
            data["slot"] = _location_time(location, data["day"], data["start_time"])
        if data.get("override_hours") and not (data.get("override_hours_reason") or "").strip():
            self.add_error("override_hours_reason", gettext("Say why this appointment is outside the hours."))
        if not data.get("override_hours"):
            data["override_hours_reason"] = ""
        return data


class IntakeBookingForm(BookingForm):
    """An intake from a request: who comes is the request's, so no couple,
    client, names or notes (the page posts only what is left)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("couple", "individual_client", "intake_names", "intake_email", "telehealth_url", "staff_note"):
            del self.fields[name]


class SeriesForm(forms.Form):
    counselor = PersonChoiceField(queryset=User.objects.none(), label=_("Counselor"))
    location = forms.ModelChoiceField(
        queryset=Location.objects.filter(is_active=True).order_by("name"), label=_("Location")
    )
    couple = forms.ModelChoiceField(queryset=Couple.objects.none(), label=_("Couple"))
    first_day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("First session"))
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label=pgettext_lazy("time", "Start"))
    duration_minutes = forms.IntegerField(min_value=10, max_value=240, initial=50, label=_("Length (minutes)"))
    interval_weeks = forms.TypedChoiceField(
        choices=[(1, _("Weekly")), (2, _("Every other week"))], coerce=int, initial=1, label=_("Repeats")
    )
    count = forms.IntegerField(min_value=1, max_value=52, required=False, label=_("Number of sessions"))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label=_("Or until"))

    def __init__(self, *args: Any, counselors: Any, couples: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = counselors  # type: ignore[attr-defined]
        self.fields["couple"].queryset = couples  # type: ignore[attr-defined]


class RescheduleForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), label=_("Day"))
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label=_("New start"))
    reason = forms.CharField(max_length=300, required=False, label=_("Reason"))
    override_hours_reason = forms.CharField(
        max_length=300, required=False, label=_("Override reason (admins, outside the hours)")
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=300, label=_("Reason"))


class RequestSlotForm(forms.Form):
    slot = forms.DateTimeField(widget=forms.HiddenInput)
    location = forms.ModelChoiceField(queryset=Location.objects.filter(is_active=True), widget=forms.HiddenInput)
    note = forms.CharField(max_length=300, required=False, label=_("Note"))
