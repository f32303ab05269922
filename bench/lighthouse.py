"""Lighthouse scores and page weights of the pages people open most, for the README.

Not part of the test suite. Run from the project root:

    .venv/bin/python bench/lighthouse.py

It runs tests/browser/test_lighthouse.py (the demo practice in a test
database, pytest-django's live server, Lighthouse pinned in tools/lighthouse/
on a phone profile, Debian's /usr/bin/chromium) with LIGHTHOUSE_TABLE_ONLY=1,
so the thresholds are not checked, and prints its table: performance,
accessibility and best-practices scores, and the KB transferred before images
and in images. The full reports are left in test-artifacts/lighthouse/*.json.
DATABASE_URL, CELERY_BROKER_URL and CACHE_URL are passed on as
./scripts/test.sh reads them (PostgreSQL and Redis on 127.0.0.1 by default).
Exits with pytest's status.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    done = subprocess.run(
        [str(ROOT / "scripts" / "test.sh"), "tests/browser/test_lighthouse.py", "-q", "-s", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env={**os.environ, "LIGHTHOUSE_TABLE_ONLY": "1"},
        capture_output=True,
        text=True,
    )
    lines = done.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Lighthouse ")), None)
    if start is None or done.returncode != 0:
        sys.stdout.write(done.stdout[-4000:])
        sys.stderr.write(done.stderr[-4000:])
        return done.returncode or 1
    print("\n".join(lines[start : start + 8]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
