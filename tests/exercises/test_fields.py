"""The field schema: templates' field specs and partners' answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import QueryDict

from exercises.fields import FieldKind, answers_from_form, clean_answers, clean_field_specs

# One field of every kind, with limits, as a counselor might build it.
EVERY_KIND = clean_field_specs(
    [
        {"key": "word", "kind": "short_text", "label": "One word", "required": True, "max_length": 10},
        {"key": "story", "kind": "long_text", "label": "Tell it", "required": True, "max_length": 100},
        {
            "key": "mood",
            "kind": "single_choice",
            "label": "Mood",
            "required": True,
            "choices": [{"value": "calm", "label": "Calm"}, {"value": "tense", "label": "Tense"}],
        },
        {
            "key": "habits",
            "kind": "checklist",
            "label": "Habits",
            "required": True,
            "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}, {"value": "c", "label": "C"}],
            "max": 2,
        },
        {"key": "close", "kind": "scale", "label": "Close?", "required": True, "min_label": "No", "max_label": "Yes"},
        {"key": "minutes", "kind": "number", "label": "Minutes", "required": True, "min": 0, "max": 120},
        {"key": "on", "kind": "date", "label": "On", "required": True},
        {"key": "done", "kind": "yes_no", "label": "Done?", "required": True},
    ]
)
VALID = {
    "word": "calm",
    "story": "We walked.",
    "mood": "calm",
    "habits": ["b", "a"],
    "close": 4,
    "minutes": 30,
    "on": "2026-05-01",
    "done": False,
}


def errors(answers: dict, *, partial: bool = False) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        clean_answers(EVERY_KIND, answers, partial=partial)
    return caught.value.message_dict


# --- Answers ----------------------------------------------------------------------


def test_valid_answers_come_back_normalised():
    cleaned = clean_answers(EVERY_KIND, {**VALID, "word": "  calm  "})
    assert cleaned["word"] == "calm"
    assert cleaned["habits"] == ["a", "b"]  # the template's order
    assert cleaned["done"] is False


@pytest.mark.parametrize("key", [field["key"] for field in EVERY_KIND])
def test_a_missing_required_answer_is_named(key):
    answers = {k: v for k, v in VALID.items() if k != key}
    assert errors(answers) == {key: ["This question needs an answer."]}


@pytest.mark.parametrize("blank", ["", "   ", None, []])
def test_a_blank_required_answer_counts_as_missing(blank):
    assert "story" in errors({**VALID, "story": blank})


def test_a_draft_may_leave_required_answers_empty():
    assert clean_answers(EVERY_KIND, {"word": "calm"}, partial=True) == {"word": "calm"}


def test_a_draft_still_checks_what_is_there():
    assert "close" in errors({"close": 9}, partial=True)


@pytest.mark.parametrize(("key", "too_long"), [("word", "x" * 11), ("story", "y" * 101)])
def test_text_too_long_is_named(key, too_long):
    assert "characters or fewer" in errors({**VALID, key: too_long})[key][0]


@pytest.mark.parametrize(("key", "value"), [("minutes", -1), ("minutes", 121), ("close", 0), ("close", 6)])
def test_number_or_scale_out_of_range_is_named(key, value):
    assert list(errors({**VALID, key: value})) == [key]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("word", 42),
        ("story", ["a"]),
        ("mood", 1),
        ("habits", "a"),
        ("habits", [1]),
        ("close", "4"),
        ("close", 3.5),
        ("close", True),
        ("minutes", "thirty"),
        ("minutes", True),
        ("minutes", float("nan")),
        ("on", "01/05/2026"),
        ("on", "2026-02-30"),
        ("on", 20260501),
        ("done", "yes"),
        ("done", 1),
    ],
)
def test_wrong_type_is_named(key, value):
    assert list(errors({**VALID, key: value})) == [key]


def test_an_unknown_key_is_named():
    assert errors({**VALID, "sneaky": "x"}) == {"sneaky": ["This exercise has no such question."]}


@pytest.mark.parametrize(("key", "value"), [("mood", "furious"), ("habits", ["a", "z"])])
def test_a_choice_not_offered_is_named(key, value):
    assert "offered" in errors({**VALID, key: value})[key][0]


def test_a_checklist_respects_its_maximum():
    assert errors({**VALID, "habits": ["a", "b", "c"]}) == {"habits": ["Tick at most 2."]}


def test_every_problem_is_reported_at_once():
    assert set(errors({"word": 1, "extra": 2})) == {
        "word",
        "extra",
        "story",
        "mood",
        "habits",
        "close",
        "minutes",
        "on",
        "done",
    }


def test_answers_that_are_not_an_object_are_refused():
    assert NON_FIELD_ERRORS in errors(["word"])  # type: ignore[arg-type]


def test_a_form_post_converts_to_typed_answers():
    data = QueryDict(mutable=True)
    data.update({"word": "calm", "story": "We walked.", "mood": "calm", "close": "4", "minutes": "30"})
    data.update({"on": "2026-05-01", "done": "no"})
    data.setlist("habits", ["a", "b"])
    assert clean_answers(EVERY_KIND, answers_from_form(EVERY_KIND, data)) == {**VALID, "habits": ["a", "b"]}


def test_a_form_value_that_does_not_convert_is_reported_on_its_field():
    data = QueryDict(mutable=True)
    data.update({**{k: str(v) for k, v in VALID.items() if k != "habits"}, "minutes": "lots", "done": "yes"})
    data.setlist("habits", ["a"])
    assert errors(answers_from_form(EVERY_KIND, data)) == {"minutes": ["Enter a number."]}


# --- Field specs ------------------------------------------------------------------


def spec_errors(fields) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        clean_field_specs(fields)
    return caught.value.message_dict["fields"]


def test_specs_get_defaults_filled_in():
    (field,) = clean_field_specs([{"key": "note", "kind": "long_text", "label": "Note"}])
    assert field == {
        "key": "note",
        "kind": "long_text",
        "label": "Note",
        "help_text": "",
        "required": False,
        "max_length": 4000,
        "blame_hints": False,
    }


def test_every_kind_is_offered():
    assert {f["kind"] for f in EVERY_KIND} == set(FieldKind.values)


@pytest.mark.parametrize(
    ("spec", "fragment"),
    [
        ({"key": "a", "kind": "essay", "label": "A"}, "“kind” must be one of"),
        ({"key": "A b", "kind": "short_text", "label": "A"}, "“key” must start"),
        ({"key": "a", "kind": "short_text", "label": ""}, "give it a label"),
        ({"key": "a", "kind": "short_text", "label": "A", "max_length": 0}, "max_length"),
        ({"key": "a", "kind": "short_text", "label": "A", "choices": []}, "does not take: choices"),
        ({"key": "a", "kind": "single_choice", "label": "A", "choices": []}, "at least one choice"),
        (
            {"key": "a", "kind": "single_choice", "label": "A", "choices": [{"value": "x", "label": "X"}] * 2},
            "its own value",
        ),
        ({"key": "a", "kind": "number", "label": "A", "min": 5, "max": 1}, "greater than"),
        ({"key": "a", "kind": "number", "label": "A", "min": "low"}, "must be a number"),
        ({"key": "a", "kind": "yes_no", "label": "A", "required": "yes"}, "true or false"),
        ("not an object", "must be an object"),
    ],
)
def test_a_malformed_spec_is_refused_with_its_position(spec, fragment):
    (message,) = spec_errors([spec])
    assert message.startswith("Field 1")
    assert fragment in message


def test_a_key_used_twice_is_refused():
    field = {"key": "a", "kind": "yes_no", "label": "A"}
    assert spec_errors([field, field]) == ["The key “a” is used twice."]


def test_a_template_needs_at_least_one_field():
    assert spec_errors([]) == ["An exercise needs at least one field."]
