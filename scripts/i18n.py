"""Keep the Spanish catalogue current, check it, compile it.

    .venv/bin/python scripts/i18n.py update     # extract every marked string into locale/es/LC_MESSAGES/django.po
                                                # (new ones arrive without Spanish: write it there), compile
    .venv/bin/python scripts/i18n.py missing [PATH ...]   # entries with no Spanish yet (only those used under PATHs)
    .venv/bin/python scripts/i18n.py check      # CI: no untranslated, fuzzy or obsolete entry; nothing marked
                                                # in the code is missing from the catalogue; placeholders agree
    .venv/bin/python scripts/i18n.py compile    # the .mo files Django reads (run at install; they are not committed)

English is the source language: its strings are the msgids, so it needs no
catalogue. Compiling uses polib (pure Python), so installing needs no gettext;
extracting (update, check) runs Django's makemessages, which needs xgettext.
"""

from __future__ import annotations

import fcntl
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
CATALOGUE = LOCALE / "es" / "LC_MESSAGES" / "django.po"
# Folders whose strings are not the portal's: tests, benchmarks, tools, vendored files.
IGNORED = [
    ".venv/*",
    "tests/*",
    "bench/*",
    "tools/*",
    "node_modules/*",
    "staticfiles/*",
    "var/*",
    "scripts/*",
    "deploy/*",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")


@contextmanager
def locked() -> Iterator[None]:
    """One update at a time on a checkout (helpers share the tree)."""
    LOCALE.mkdir(exist_ok=True)
    with open(LOCALE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def makemessages() -> None:
    command = [sys.executable, "manage.py", "makemessages", "-l", "es", "--add-location=file", "--no-obsolete"]
    for pattern in IGNORED:
        command += ["--ignore", pattern]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(command, cwd=ROOT, check=True, env=env, stdout=subprocess.DEVNULL)  # noqa: S603 (our own argv)


def read_catalogue() -> polib.POFile:
    """The catalogue, or an empty one where makemessages found nothing to write."""
    if CATALOGUE.exists() and CATALOGUE.stat().st_size:
        return polib.pofile(str(CATALOGUE), wrapwidth=100)
    catalogue = polib.POFile(wrapwidth=100)
    catalogue.fpath = str(CATALOGUE)
    return catalogue


def key(entry: polib.POEntry) -> tuple[str, str]:
    return (entry.msgctxt or "", entry.msgid)


def is_translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags or entry.obsolete:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


def drop_guesses(catalogue: polib.POFile) -> int:
    """msgmerge marks a new string "fuzzy" with a neighbour's Spanish as a
    guess; a guess is not a translation: empty it, so that `missing` lists it."""
    dropped = 0
    for entry in catalogue:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            entry.msgstr = ""
            entry.msgstr_plural = {index: "" for index in entry.msgstr_plural} if entry.msgid_plural else {}
            dropped += 1
    return dropped


def compile_all() -> None:
    for po_path in LOCALE.glob("*/LC_MESSAGES/*.po"):
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def used_under(entry: polib.POEntry, paths: list[str]) -> bool:
    return not paths or any(file.startswith(tuple(paths)) for file, _line in entry.occurrences)


def placeholder_errors(entry: polib.POEntry) -> list[str]:
    errors = []
    pairs = (
        [(entry.msgid, entry.msgstr)]
        if not entry.msgid_plural
        else [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
    )
    for source, text in pairs:
        # A plural's singular may say "one" instead of its number.
        plural_subset = entry.msgid_plural and set(PLACEHOLDER.findall(text)) <= set(PLACEHOLDER.findall(source))
        if text and sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)) and not plural_subset:
            errors.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
    return errors


def update() -> None:
    with locked():
        makemessages()
        catalogue = read_catalogue()
        dropped = drop_guesses(catalogue)
        catalogue.metadata.update(
            {
                "Project-Id-Version": "counseling portal",
                "Last-Translator": "the portal's developers",
                "Language-Team": "Spanish",
                "PO-Revision-Date": catalogue.metadata.get("POT-Creation-Date", ""),
            }
        )
        catalogue.header = (
            "The portal's Spanish. scripts/i18n.py update adds what the code marks;\n"
            "write each new entry's Spanish here, in our own words (docs/architecture.md)."
        )
        catalogue.metadata_is_fuzzy = False
        catalogue.metadata["Language"] = "es"
        catalogue.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
        catalogue.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        catalogue.save()
        compile_all()
    untranslated = [entry for entry in catalogue if not is_translated(entry)]
    print(f"{len(catalogue)} entries, {len(untranslated)} without Spanish ({dropped} guesses emptied)")


def missing(paths: list[str]) -> None:
    for entry in read_catalogue():
        if not is_translated(entry) and used_under(entry, paths):
            where = ", ".join(sorted({file for file, _line in entry.occurrences}))
            context = f"msgctxt {entry.msgctxt!r} " if entry.msgctxt else ""
            plural = f" | plural {entry.msgid_plural!r}" if entry.msgid_plural else ""
            print(f"{context}{entry.msgid!r}{plural}    [{where}]")


def check() -> int:
    before = CATALOGUE.read_bytes() if CATALOGUE.exists() else b""
    problems: list[str] = []
    try:
        with locked():
            committed = read_catalogue()
            makemessages()
            extracted = read_catalogue()
    finally:
        CATALOGUE.write_bytes(before)
    committed_keys = {key(entry) for entry in committed}
    for entry in extracted:
        if key(entry) not in committed_keys:
            problems.append(f"marked in the code, not in the catalogue (run scripts/i18n.py update): {entry.msgid!r}")
    extracted_keys = {key(entry) for entry in extracted}
    for entry in committed:
        if key(entry) not in extracted_keys:
            problems.append(f"in the catalogue but no longer in the code (run scripts/i18n.py update): {entry.msgid!r}")
        elif not is_translated(entry):
            problems.append(f"no Spanish (untranslated or fuzzy): {entry.msgid!r}")
        problems.extend(placeholder_errors(entry))
    # gettext's own check of the compiled catalogue (msgfmt from PATH).
    msgfmt = ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(CATALOGUE)]
    statistics = subprocess.run(msgfmt, capture_output=True, text=True)  # noqa: S603
    print(statistics.stderr.strip())
    if statistics.returncode != 0:
        problems.append("msgfmt --check failed")
    for problem in problems:
        print(problem)
    print(f"{len(committed)} entries; {len(problems)} problems")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else ""
    if command == "update":
        update()
    elif command == "missing":
        missing(argv[2:])
    elif command == "check":
        return check()
    elif command == "compile":
        compile_all()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
