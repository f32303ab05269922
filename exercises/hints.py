"""Gentle hints for "I" statements.

When a partner writes "You never listen", a blaming phrase tends to make the
other partner defend rather than hear. ``blame_hints`` spots the common
patterns and suggests, kindly and specifically, another way to say it.

These are advice only: nothing here blocks a submission. The page shows the
hints before submitting; the partner decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from exercises.fields import TEXT_KINDS, FieldSpec


@dataclass(frozen=True)
class Hint:
    code: str  # stable, for the page to style or count
    phrase: str  # the words as the partner wrote them
    message: str


# (code, pattern, message). Ordered from most to least specific; a text gets
# at most one hint per code. Apostrophes are normalised before matching.
_PATTERNS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "always_never",
        re.compile(r"\byou(?:'re| are)?\s+(?:always|never|constantly)\b", re.IGNORECASE),
        "“Always” and “never” sum a person up, and that is easy to argue with. "
        "Try describing one moment instead: “Last night, when …, I felt …”.",
    ),
    (
        "made_me_feel",
        re.compile(r"\byou\s+(?:make|made|making)\s+me\b", re.IGNORECASE),
        "“You make me …” puts your feeling in your partner's hands. Try owning it: “I felt … when …”.",
    ),
    (
        "fault",
        re.compile(r"\b(?:(?:it's|it is)\s+(?:all\s+)?your\s+fault|because\s+of\s+you|your\s+fault)\b", re.IGNORECASE),
        "Naming whose fault it is tends to start a defence, not a conversation. "
        "Try saying what happened and what it was like for you.",
    ),
    (
        "should",
        re.compile(r"\byou\s+(?:should|shouldn't|need to|have to|must|ought to)\b", re.IGNORECASE),
        "“You should …” can land as an order. Try a request: “What I would like is …”.",
    ),
    (
        "label",
        re.compile(
            r"\byou(?:'re| are)\s+(?:so\s+|such\s+an?\s+|just\s+|being\s+)?"
            r"(?:selfish|lazy|rude|cold|mean|impossible|crazy|useless|careless|controlling)\b",
            re.IGNORECASE,
        ),
        "Calling someone a name describes them, not what happened. Try naming the behaviour and how it affected you.",
    ),
    (
        "why_question",
        re.compile(r"\bwhy\s+(?:do|don't|can't|won't|didn't|did)\s+you\b", re.IGNORECASE),
        "“Why do you …?” often sounds like an accusation dressed as a question. "
        "Try telling your partner what you need instead.",
    ),
)

# A sentence that opens with "you" points at the other person before saying
# anything about the writer. Offered only when nothing more specific was found.
_STARTS_WITH_YOU = re.compile(r"(?:^|[.!?]\s+)(you(?:'re|'ve|'ll)?)\b", re.IGNORECASE)
_STARTS_WITH_YOU_MESSAGE = (
    "This starts with “you”, which can sound like blame even when it is not meant that way. "
    "Try starting with “I”: “I feel …”, “I noticed …”, “I would like …”."
)


def _normalise(text: str) -> str:
    # Phones type curly apostrophes; the patterns use the straight one.
    return text.replace("\u2019", "'").replace("\u2018", "'")


def blame_hints(text: str) -> list[Hint]:
    """Hints for blaming patterns in ``text``; an empty list if none."""
    text = _normalise(text or "")
    hints: list[Hint] = []
    for code, pattern, message in _PATTERNS:
        match = pattern.search(text)
        if match:
            hints.append(Hint(code=code, phrase=match.group(0), message=message))
    if not hints:
        match = _STARTS_WITH_YOU.search(text)
        if match:
            hints.append(Hint(code="starts_with_you", phrase=match.group(1), message=_STARTS_WITH_YOU_MESSAGE))
    return hints


def hints_for_answers(fields: list[FieldSpec], answers: dict[str, Any]) -> dict[str, list[Hint]]:
    """Hints for each text field that asks for them (``blame_hints: true``)."""
    result: dict[str, list[Hint]] = {}
    for field in fields:
        value = answers.get(field["key"])
        if field["kind"] in TEXT_KINDS and field.get("blame_hints") and isinstance(value, str):
            hints = blame_hints(value)
            if hints:
                result[field["key"]] = hints
    return result
