"""What the benches that request the portal's pages in process share:
Django set up as production runs it (DEBUG off, the development encryption
key, an in-process cache), the bench's database migrated, and timing
several functions in turns."""

from __future__ import annotations

import os
import statistics
import sys
import time as clock
from collections.abc import Callable
from pathlib import Path

from portal.keys import development_key_file

ROOT = Path(__file__).resolve().parents[1]
WARM_UP = 3


def setup_django(url: str, *, media_root: str | None = None) -> None:
    """Django on the bench database ``url``, migrated; pages served to the
    test Client (any host) with plain static URLs (no collectstatic)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DEBUG"] = "false"  # no query log, cached templates: what production runs
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
    # Clinical content is encrypted (docs/encryption.md): the development key, as the demo uses.
    os.environ.setdefault(
        "FIELD_ENCRYPTION_KEYS", ",".join(development_key_file(ROOT / "var" / "field-encryption-keys"))
    )
    os.environ.setdefault("PORTAL_BASE_URL", "http://localhost")  # required when DEBUG is off
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CACHE_URL", "locmemcache://bench")
    os.environ.setdefault("CONN_MAX_AGE", "3600")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]  # the test Client says "testserver"
    if media_root is not None:
        settings.MEDIA_ROOT = media_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0, interactive=False)


def timed(functions: list[Callable[[], object]], runs: int) -> list[float]:
    """The median milliseconds of each function over ``runs``, taken in turns
    (one run of each, then again), so that a burst of load on the shared
    machine weighs on all of them; after WARM_UP untimed rounds."""
    samples: list[list[float]] = [[] for _ in functions]
    for round_ in range(WARM_UP + runs):
        for function, times in zip(functions, samples, strict=True):
            started = clock.perf_counter()
            function()
            if round_ >= WARM_UP:
                times.append((clock.perf_counter() - started) * 1000)
    return [statistics.median(times) for times in samples]
