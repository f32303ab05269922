"""Finding English on a page meant to be in Spanish: the English strings of
the catalogue (locale/es) and of the built-in exercises, matched against a
page's text nodes and the attributes a screen reader reads. Used by
tests/portal/test_spanish_pages.py and the Spanish partner's browser journey."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "es" / "LC_MESSAGES" / "django.po"
READ_ALOUD = ("aria-label", "title", "placeholder", "alt")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]")
TAG = re.compile(r"<[^>]+>")
SPACE = re.compile(r"\s+")


def _normal(text: str) -> str:
    return SPACE.sub(" ", html.unescape(text)).strip()


def _distinctive(text: str) -> bool:
    """Whether a string with placeholders says enough by itself to be
    recognised: "%(a)s of %(b)s" would match "Isle of Man" (a time zone)."""
    literal = PLACEHOLDER.sub(" ", text)
    return len(re.findall("[A-Za-z]", literal)) >= 12 and bool(re.search("[A-Za-z]{5}", literal))


def builtin_english() -> set[str]:
    """The built-in exercises' English that a reader of Spanish must not see:
    titles, summaries, questions, their help and choices (the library carries
    its Spanish, exercises/builtin.py)."""
    from exercises.builtin import BUILTIN_TEMPLATES

    texts: set[str] = set()
    for entry in BUILTIN_TEMPLATES:
        if "es" not in entry.get("translations", {}):
            continue
        texts.update([entry["title"], entry["summary"]])
        for spec in entry["fields"]:
            texts.update(
                [spec["label"], spec.get("help_text", ""), spec.get("min_label", ""), spec.get("max_label", "")]
            )
            texts.update(choice["label"] for choice in spec.get("choices", []))
    return {_normal(text) for text in texts if len(text) > 3}


def english_sources() -> tuple[set[str], list[re.Pattern[str]]]:
    """The English strings whose Spanish differs: the catalogue's (exact texts,
    and patterns for those with placeholders, where a placeholder matches any
    text) and the built-in exercises'. A language's own name ("English" in the
    list of languages) is meant to be read in that language."""
    exact: set[str] = builtin_english()
    patterns: list[re.Pattern[str]] = []
    for entry in polib.pofile(str(CATALOGUE)):
        sources = [entry.msgid] + ([entry.msgid_plural] if entry.msgid_plural else [])
        spanish = [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        for source in sources:
            text = _normal(TAG.sub(" ", source))
            # One word the same in both languages ("Email" is not; "Error" is): not a leak.
            if not text or text in {_normal(TAG.sub(" ", s)) for s in spanish} or not re.search("[A-Za-z]{2}", text):
                continue
            if not PLACEHOLDER.search(text):
                exact.add(text)
            elif _distinctive(text):
                pieces = [re.escape(piece) for piece in PLACEHOLDER.split(text)]
                patterns.append(re.compile(".+?".join(pieces)))
    exact -= {name for _code, name in settings.LANGUAGES}
    return exact, patterns


class TextNodes(HTMLParser):
    """The page's text nodes and read-aloud attributes, outside script and
    style and outside elements in another language than the page's."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, language: str) -> None:
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped)
        self.texts: list[str] = []

    def _skipping(self) -> bool:
        return any(skipped for _tag, skipped in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        other_language = tag != "html" and values.get("lang") not in (None, self.language)
        skipped = tag in ("script", "style") or other_language
        if not skipped and not self._skipping():
            self.texts.extend(_normal(values[name] or "") for name in READ_ALOUD if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.texts.append(_normal(values["value"] or ""))
        if tag not in self.VOID:
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        text = _normal(data)
        if text and not self._skipping():
            self.texts.append(text)


def english_on(page_html: str, exact: set[str], patterns: list[re.Pattern[str]]) -> list[str]:
    parser = TextNodes("es")
    parser.feed(page_html)
    found = []
    for text in parser.texts:
        if text in exact or any(pattern.fullmatch(text) for pattern in patterns):
            found.append(text)
    return found
