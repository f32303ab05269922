"""Benchmark: what encryption at rest costs the pages that read clinical content.

Not part of the test suite. Run from the project root:

    .venv/bin/python bench/encryption.py [--runs 30] [--keep]

It needs PostgreSQL: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/portal_bench_encryption) names a database
of its own, dropped and created afresh, migrated, filled and dropped again
(--keep leaves it). DEBUG is off; the cache is in-process.

The rows: Dana (a counselor, TOTP on) with 40 couples and 12 weeks of
history each (tests/progress/generate.py: weekly answers, measures, rituals,
comments), every answer and comment stored encrypted as the portal stores
them. The pages, through Django's test Client: the partner's home (/me/, the
first couple's first partner), the counselor's review page of an occurrence
both partners answered and Dana commented on, and the caseload dashboard.

Each page is timed in turns with its floor: the same page with decryption
replaced by a look-up of values already decrypted (portal.crypto's
decrypt_bytes memoised), i.e. the page as it would be without the
cryptography, everything else equal. Lines: ``page=<name> encrypted_ms=<median>
plain_ms=<median> ratio=<r> target=1.1``, the last ``ratio=<largest> target=1.1``.
Exits 0 whether or not the target is met.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._database import measured_in_own_database  # noqa: E402
from bench._pages import setup_django, timed  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_encryption"
TARGET = 1.1
COUPLES = 40


def fill() -> tuple[Any, Any, Any]:
    """Dana and her 40 couples; the first couple's first partner; an
    occurrence both partners answered, with Dana's comment."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db import connection
    from django.db.models import Count, Q
    from django.utils import timezone

    from accounts.models import Role, User
    from exercises.models import Comment, Occurrence, ResponseState
    from tests.progress.generate import generate

    dana = User.objects.create_user("dana@bench.test", full_name="Dana Reyes", role=Role.COUNSELOR)
    TOTP.activate(dana, generate_totp_secret())
    couples = generate(dana, COUPLES, now=timezone.now(), seed=7)
    occurrence = (
        Occurrence.objects.filter(assignment__couple=couples[0])
        .annotate(done=Count("responses", filter=Q(responses__state=ResponseState.SUBMITTED)))
        .filter(done=2)
        .order_by("-due_at")
        .first()
    )
    assert occurrence is not None, "the generator gave the first couple no occurrence both answered"
    Comment.objects.create(occurrence=occurrence, author=dana, body="Thank you both: well put, and kind.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return dana, couples[0].partner_one, occurrence


def measure(runs: int) -> float:
    from django.test import Client
    from django.urls import reverse

    from portal import crypto

    dana, sam, occurrence = fill()
    real = crypto.decrypt_bytes
    opened: dict[bytes, bytes] = {}

    def looked_up(token: bytes) -> bytes:
        found = opened.get(token)
        if found is None:
            found = opened[token] = real(token)
        return found

    pages = [
        ("partner_home", sam, reverse("client_home")),
        ("review_page", dana, reverse("occurrence_detail", args=[occurrence.pk])),
        ("dashboard", dana, reverse("progress_dashboard")),
    ]

    def page_ratio(name: str, user: Any, url: str) -> float:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        decrypted = [0]

        def counting(token: bytes) -> bytes:
            decrypted[0] += 1
            return real(token)

        crypto.decrypt_bytes = counting  # type: ignore[assignment]
        status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{url} answered {status}")

        def encrypted() -> None:
            crypto.decrypt_bytes = real  # type: ignore[assignment]
            client.get(url)

        def plain() -> None:
            crypto.decrypt_bytes = looked_up  # type: ignore[assignment]
            client.get(url)

        encrypted_ms, plain_ms = timed([encrypted, plain], runs)
        crypto.decrypt_bytes = real  # type: ignore[assignment]
        ratio = encrypted_ms / plain_ms
        print(
            f"page={name} encrypted_ms={encrypted_ms:.2f} plain_ms={plain_ms:.2f} ratio={ratio:.3f}"
            f" target={TARGET} decryptions={decrypted[0]}"
        )
        return ratio

    worst = max(page_ratio(name, user, url) for name, user, url in pages)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed runs of each (the median is reported)")
    parser.add_argument("--keep", action="store_true", help="leave the bench database in place")
    options = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    def run() -> float:
        setup_django(url)
        return measure(max(1, options.runs))

    ratio = measured_in_own_database(url, run, keep=options.keep)
    print(f"ratio={ratio:.3f} target={TARGET}")
    sys.exit(0)


if __name__ == "__main__":
    main()
