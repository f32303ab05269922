"""Gentle hints for "I" statements.

When a partner writes "You never listen", a blaming phrase tends to make the
other partner defend rather than hear. ``blame_hints`` spots the common
patterns and suggests, kindly and specifically, another way to say it.

These are advice only: nothing here blocks a submission. The page shows the
hints before submitting; the partner decides.

The patterns follow the writer's language (the active one, unless given):
English or Spanish. Each set has its own hint texts, written in that language
(they describe words of that language, so they are not translations of each
other). The codes are shared, so the page styles or counts them alike.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.utils import translation

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


# Spanish, matched on the text without accents (see _fold), so "tú" and "tu",
# "por qué" and "por que" are alike. A second-person verb is told by its
# ending ("escuchas", "entiendes", "dijiste") or is one of the short ones.
_NOT_VERBS = r"(?!(?:mas|antes|las|les|tres|meses|veces|entonces|despues|mientras)\b)"
_VERB_TU = r"(?:" + _NOT_VERBS + r"\w+(?:as|es|aste|iste)|eres|vas|das|has|estas|sabes)\b"
_PRONOUN = r"(?:(?:me|te|lo|la|le|los|las|les|nos|se)\s+)?"
_PATTERNS_ES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    (
        "always_never",
        re.compile(
            r"\btu\s+(?:siempre|nunca|jamas)\b"
            r"|(?<!\byo )\b(?:siempre|nunca|jamas)\s+" + _PRONOUN + _VERB_TU + r"|\btodo\s+lo\s+haces\b"
            r"|\bnada\s+(?:de\s+lo\s+que\s+)?haces\b",
            re.IGNORECASE,
        ),
        "“Siempre”, “nunca” o “todo” resumen a una persona entera, y eso invita a discutir. "
        "Pruebe a contar un momento concreto: “Anoche, cuando…, yo me sentí…”.",
    ),
    (
        "made_me_feel",
        re.compile(
            r"\bme\s+(?:haces|hiciste|has\s+hecho)\s+(?:sentir|enojar|enfadar|llorar|sufrir|perder)\b", re.IGNORECASE
        ),
        "“Me haces sentir…” deja lo que usted siente en manos de su pareja. "
        "Pruebe a decirlo como suyo: “Yo me sentí… cuando…”.",
    ),
    (
        "fault",
        re.compile(
            r"\b(?:(?:es|fue|era)\s+(?:toda\s+)?tu\s+culpa|(?:por|es|fue)\s+culpa\s+tuya|por\s+tu\s+culpa"
            r"|la\s+culpa\s+(?:es|fue)\s+tuya)\b",
            re.IGNORECASE,
        ),
        "Decir de quién es la culpa suele poner a la otra persona a la defensiva, no a conversar. "
        "Pruebe a contar qué pasó y cómo lo vivió usted.",
    ),
    (
        "should",
        re.compile(r"\b(?:deberias|debes|tienes\s+que|tendrias\s+que|necesitas)\b", re.IGNORECASE),
        "“Deberías…” puede sonar a orden. Pruebe con un pedido: “Lo que a mí me gustaría es…”.",
    ),
    (
        "label",
        re.compile(
            r"\beres\s+(?:un|una)\s+\w+"
            r"|\beres\s+(?:(?:tan|muy|demasiado|bien|super|un\s+poco)\s+)?"
            r"(?:egoista|flojo|floja|perezoso|perezosa|grosero|grosera|frio|fria|malo|mala|imposible"
            r"|loco|loca|inutil|descuidado|descuidada|controlador|controladora|irresponsable|insoportable"
            r"|mentiroso|mentirosa|egocentrico|egocentrica)\b",
            re.IGNORECASE,
        ),
        "Ponerle un nombre a alguien habla de la persona, no de lo que pasó. "
        "Pruebe a describir lo que hizo y cómo le afectó a usted.",
    ),
    (
        "why_question",
        re.compile(r"\bpor\s+que\s+(?:tu\s+)?(?:no\s+|nunca\s+|siempre\s+)?" + _PRONOUN + _VERB_TU, re.IGNORECASE),
        "“¿Por qué nunca…?” a menudo suena a reproche disfrazado de pregunta. "
        "Pruebe a decirle a su pareja lo que usted necesita.",
    ),
)

# A sentence that opens with "tú" and a verb ("Tú dejaste…"); "Tu madre" is
# a possessive, with no verb after it, and is left alone.
_STARTS_WITH_TU = re.compile(
    r"(?:^|[.!?…]\s*)[¿¡«“\"'(\s]*(tu\s+(?:no\s+|ya\s+|solo\s+|tambien\s+)?" + _PRONOUN + _VERB_TU + r")",
    re.IGNORECASE,
)
_STARTS_WITH_TU_MESSAGE = (
    "Esta frase empieza con “tú”, y eso puede sonar a reproche aunque no sea la intención. "
    "Pruebe a empezar por usted: “Yo me siento… cuando… porque…”, “Yo noté…”, “A mí me gustaría…”."
)


def _normalise(text: str) -> str:
    # Phones type curly apostrophes; the patterns use the straight one.
    return text.replace("\u2019", "'").replace("\u2018", "'")


def _fold(text: str) -> str:
    """``text`` without accents (tú -> tu, qué -> que, ñ -> n), one character
    for one, so that a match's span in it is the same span in ``text``: people
    type Spanish with or without accents, and the patterns are written without."""
    return "".join(unicodedata.normalize("NFD", char)[0] for char in text)


def _is_spanish(language: str | None) -> bool:
    return (language or translation.get_language() or "").lower().startswith("es")


def _english_hints(text: str) -> list[Hint]:
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


def _spanish_hints(text: str) -> list[Hint]:
    # Matched on the folded text, quoted from the text as written (NFC, so
    # that a typed "u" + combining accent counts as one character too).
    text = unicodedata.normalize("NFC", text)
    folded = _fold(text)
    hints: list[Hint] = []
    for code, pattern, message in _PATTERNS_ES:
        match = pattern.search(folded)
        if match:
            hints.append(Hint(code=code, phrase=text[match.start() : match.end()], message=message))
    if not hints:
        match = _STARTS_WITH_TU.search(folded)
        if match:
            phrase = text[match.start(1) : match.end(1)]
            hints.append(Hint(code="starts_with_you", phrase=phrase, message=_STARTS_WITH_TU_MESSAGE))
    return hints


def blame_hints(text: str, language: str | None = None) -> list[Hint]:
    """Hints for blaming patterns in ``text``; an empty list if none. The
    patterns and hints are Spanish when ``language`` (by default the active
    language) is Spanish, else English."""
    text = _normalise(text or "")
    return _spanish_hints(text) if _is_spanish(language) else _english_hints(text)


def hints_for_answers(
    fields: list[FieldSpec], answers: dict[str, Any], language: str | None = None
) -> dict[str, list[Hint]]:
    """Hints for each text field that asks for them (``blame_hints: true``)."""
    result: dict[str, list[Hint]] = {}
    for field in fields:
        value = answers.get(field["key"])
        if field["kind"] in TEXT_KINDS and field.get("blame_hints") and isinstance(value, str):
            hints = blame_hints(value, language)
            if hints:
                result[field["key"]] = hints
    return result
