"""The scheduling forms' labels read as words, not as field names."""

from __future__ import annotations

from scheduling.forms import CounselorProfileForm, LocationForm


def _label(form, name: str) -> str:
    return str(form[name].label)


def test_the_location_forms_address_lines_read_as_words():
    form = LocationForm()

    assert (_label(form, "address_line1"), _label(form, "address_line2")) == ("Address line 1", "Address line 2")


def test_the_location_forms_slug_is_named_for_what_it_is():
    assert _label(LocationForm(), "slug") == "Short name for links"


def test_the_counselor_profiles_yes_no_questions_read_as_words():
    form = CounselorProfileForm()

    assert (_label(form, "is_accepting_new_clients"), _label(form, "sees_online")) == (
        "Accepting new clients",
        "Sees clients online",
    )
