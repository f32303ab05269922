"""Each benchmark's own PostgreSQL database: made empty before a run,
dropped after it (the benches share these two steps)."""

from __future__ import annotations

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
