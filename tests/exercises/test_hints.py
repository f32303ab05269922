"""Gentle hints for blaming phrases in "I" statements."""

import pytest

from exercises.fields import clean_field_specs
from exercises.hints import blame_hints, hints_for_answers


def codes(text: str) -> list[str]:
    return [hint.code for hint in blame_hints(text)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("You never listen", "always_never"),
        ("you always forget our plans", "always_never"),
        ("You’re always on your phone", "always_never"),
        ("I get upset because you make me wait", "made_me_feel"),
        ("It's your fault we were late", "fault"),
        ("It’s all your fault", "fault"),
        ("you should call when you're late", "should"),
        ("I think you're so selfish", "label"),
        ("Why don't you ever help?", "why_question"),
        ("You left the dishes again.", "starts_with_you"),
        ("I was tired. You left early.", "starts_with_you"),
    ],
)
def test_a_blaming_pattern_gets_its_hint(text, code):
    assert code in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "I feel lonely when we eat in front of the TV",
        "What I would like is a walk together on Sundays",
        "I felt hurt when the plans changed because I had looked forward to it",
        "",
    ],
)
def test_an_i_statement_gets_no_hint(text):
    assert blame_hints(text) == []


def test_a_hint_quotes_the_words_and_suggests_an_alternative():
    (hint,) = blame_hints("You never listen")
    assert hint.phrase == "You never"
    assert "Try" in hint.message


def test_starting_with_you_is_not_repeated_when_a_specific_hint_applies():
    assert codes("You never listen") == ["always_never"]


def test_hints_are_given_only_for_fields_that_ask_for_them():
    fields = clean_field_specs(
        [
            {"key": "when", "kind": "short_text", "label": "when…", "blame_hints": True},
            {"key": "note", "kind": "long_text", "label": "Note"},
        ]
    )
    hints = hints_for_answers(fields, {"when": "you never call", "note": "you never call"})
    assert list(hints) == ["when"]
