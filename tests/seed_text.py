"""Whether our texts copy the seed articles (../shared/seeds): every run of six
words of a text is hashed and looked up among the seeds' own
(tests/exercises/seed_sixgrams.txt, written by scripts/seed_fingerprints.py),
so the tests need neither the seeds nor a copy of their text."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

SEED_SIXGRAMS = Path(__file__).parent / "exercises" / "seed_sixgrams.txt"
RUN = 6


def _words(text: str) -> list[str]:
    # Accented letters count as letters, so a Spanish word is one word.
    return re.findall(r"[a-záéíóúüñ']+", text.lower().replace("\u2019", "'"))


def _fingerprint(words: list[str]) -> str:
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:12]


def copied_runs(texts: Iterable[str]) -> list[str]:
    """The runs of six words, among ``texts``, that the seed articles also hold."""
    seed_runs = set(SEED_SIXGRAMS.read_text().split())
    assert len(seed_runs) > 5000, "the fingerprint file is really there"
    return [
        " ".join(words[i : i + RUN])
        for words in map(_words, texts)
        for i in range(len(words) - RUN + 1)
        if _fingerprint(words[i : i + RUN]) in seed_runs
    ]
