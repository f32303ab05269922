"""portal/form_fields.py: people chosen by name, one time-zone select."""

from __future__ import annotations

import pytest
from django import forms
from django.templatetags.static import static
from django.test import override_settings

from accounts.models import Role, User
from portal.form_fields import PersonChoiceField, TimeZoneField
from tests.factories import CounselorFactory


class _PickCounselor(forms.Form):
    counselor = PersonChoiceField(queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counselor"].queryset = User.objects.filter(role=Role.COUNSELOR).order_by("full_name", "email")


class _PickZone(forms.Form):
    time_zone = TimeZoneField()


def _labels(form: forms.Form, name: str) -> list[str]:
    return [str(label) for _, label in form.fields[name].choices][1:]


@pytest.mark.django_db
def test_a_person_select_reads_as_names(counselor, other_counselor):
    assert _labels(_PickCounselor(), "counselor") == ["Dana Reyes", "Owen Park"]


@pytest.mark.django_db
def test_two_people_sharing_a_name_are_told_apart_by_their_email(counselor, other_counselor):
    CounselorFactory(full_name="Dana Reyes", email="dana.reyes@elsewhere.test")

    assert _labels(_PickCounselor(), "counselor") == [
        "Dana Reyes (dana.reyes@elsewhere.test)",
        "Dana Reyes (dana@practice.test)",
        "Owen Park",
    ]


@pytest.mark.django_db
def test_a_person_select_still_takes_the_chosen_persons_id(counselor, other_counselor):
    form = _PickCounselor(data={"counselor": other_counselor.pk})

    assert form.is_valid() and form.cleaned_data["counselor"] == other_counselor


@override_settings(PRACTICE_TIME_ZONE="America/Chicago")
def test_the_zone_select_lists_the_practices_zone_then_the_us_zones_first():
    groups = _PickZone().fields["time_zone"].choices
    name, common = groups[0]

    assert name == "Common"
    assert [value for value, _ in common] == [
        "America/Chicago",
        "America/Los_Angeles",
        "America/Denver",
        "America/Phoenix",
        "America/New_York",
        "America/Anchorage",
        "Pacific/Honolulu",
    ]
    assert dict(common)["America/Los_Angeles"] == "Pacific time (Los Angeles, Seattle)"
    assert "the practice's time zone" in dict(common)["America/Chicago"]


def test_the_other_zones_are_grouped_by_region():
    regions = dict(_PickZone().fields["time_zone"].choices[1:])

    assert ("Europe/Berlin", "Berlin") in regions["Europe"]
    assert ("America/Argentina/Buenos_Aires", "Argentina / Buenos Aires") in regions["America"]
    assert "Africa/Abidjan" not in dict(_PickZone().fields["time_zone"].choices[0][1])


@pytest.mark.parametrize("zone", ["Asia/Kathmandu", "America/Chicago", "UTC"])
def test_the_zone_field_accepts_any_known_iana_zone(zone):
    form = _PickZone(data={"time_zone": zone})

    assert form.is_valid() and form.cleaned_data["time_zone"] == zone


def test_the_zone_field_refuses_an_unknown_zone_with_a_form_error():
    form = _PickZone(data={"time_zone": "Mars/Olympus_Mons"})

    assert not form.is_valid()
    assert "time_zone" in form.errors


def test_the_zone_select_is_marked_for_the_search_script_and_loads_it():
    html = str(_PickZone()["time_zone"])

    assert "data-zone-search" in html
    assert '<optgroup label="Europe">' in html
    assert f'<script src="{static("js/tz-search.js")}" defer></script>' in html
