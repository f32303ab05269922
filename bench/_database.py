"""Each benchmark's own PostgreSQL database: made empty before a run,
dropped after it (the benches share these two steps)."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit


def _admin_url(url: str) -> tuple[str, str]:
    """The maintenance database's URL and the bench database's name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not name.replace("_", "").isalnum():
        raise SystemExit(f"Give the bench database a plain name, not {name!r}.")
    return urlunsplit(parts._replace(path="/postgres")), name


def recreate_database(url: str, *, drop_only: bool = False) -> None:
    """Drop the bench database (closing its sessions) and, unless ``drop_only``, create it empty."""
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def measured_in_own_database(url: str, run: Callable[[], float], *, keep: bool = False) -> float:
    """``run()``'s ratio, measured in an empty database made for it and
    dropped after it (unless ``keep``). A failure is printed and the ratio
    is NaN: a bench reports, it never fails a pipeline."""
    ratio = float("nan")
    try:
        recreate_database(url)
        ratio = run()
    except Exception:
        traceback.print_exc()
    finally:
        if not keep:
            try:
                from django.db import connections

                connections.close_all()
            except Exception:  # Django may not have loaded
                pass
            try:
                recreate_database(url, drop_only=True)
            except Exception:
                traceback.print_exc()
    return ratio
