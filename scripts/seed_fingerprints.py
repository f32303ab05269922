"""Write tests/exercises/seed_sixgrams.txt: a short hash of every run of six
words in the seed articles (../shared/seeds), so the test that our built-in
texts copy no sentence needs neither the seeds nor a copy of their text.

Run again if the seeds change:  .venv/bin/python scripts/seed_fingerprints.py [SEEDS_DIR]
"""

import hashlib
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = 6


def words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower().replace("\u2019", "'"))


def fingerprint(run: tuple[str, ...]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:12]


def main() -> None:
    seeds = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds"
    prints: set[str] = set()
    for path in sorted(seeds.glob("*.txt")):
        w = words(path.read_text())
        prints.update(fingerprint(tuple(w[i : i + RUN])) for i in range(len(w) - RUN + 1))
    out = ROOT / "tests" / "exercises" / "seed_sixgrams.txt"
    out.write_text("\n".join(sorted(prints)) + "\n")
    print(f"{len(prints)} fingerprints from {seeds} -> {out}")


if __name__ == "__main__":
    main()
