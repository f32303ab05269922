"""The Spanish catalogue (locale/es/LC_MESSAGES/django.po) is complete and in
our own words. CI's "translations" step (scripts/i18n.py check) also checks
that it holds every string marked in the code; these run with the suite."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.utils import translation

from tests.seed_text import copied_runs

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]")


def _entries() -> list[polib.POEntry]:
    return [entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete]


def _spanish(entry: polib.POEntry) -> list[str]:
    return list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]


def test_no_entry_of_the_spanish_catalogue_is_untranslated_or_fuzzy():
    entries = _entries()
    assert len(entries) > 500
    lacking = [e.msgid for e in entries if "fuzzy" in e.flags or not all(_spanish(e))]
    assert lacking == []


def test_every_spanish_entry_keeps_the_placeholders_of_its_english():
    wrong = [
        (e.msgid, text)
        for e in _entries()
        for text in _spanish(e)
        if not set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(e.msgid_plural or e.msgid))
        or (not e.msgid_plural and sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(e.msgid)))
    ]
    assert wrong == []


def test_the_compiled_catalogue_is_what_django_reads():
    with translation.override("es"):
        assert translation.gettext("My exercises") == "Mis ejercicios"


def test_no_string_in_either_language_copies_a_run_of_six_words_from_the_seed_articles():
    texts = [text for e in _entries() for text in [e.msgid, e.msgid_plural or "", *_spanish(e)]]
    assert copied_runs(texts) == []
