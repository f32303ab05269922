#!/usr/bin/env python3
"""Back up the portal's database: a pg_dump (custom format) and, beside it,
a manifest of every table's row count taken in the same snapshot, so a
restore drill (scripts/restore_drill.py) can prove the dump restores whole.

    DATABASE_URL=postgres://... .venv/bin/python scripts/backup.py /var/backups/portal

Writes portal-<UTC time>.dump and portal-<UTC time>.json into the folder and
keeps the newest KEEP (default 14) pairs. docs/production.md gives the
schedule (nightly, plus before every upgrade). Exits non-zero on any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg import sql


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Exact row counts of every table in the public schema."""
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
    ]
    counts = {}
    for table in tables:
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
        assert row is not None
        counts[table] = int(row[0])
    return counts


def dump_with_counts(database_url: str, dump_path: Path) -> dict[str, int]:
    """pg_dump of ``database_url`` into ``dump_path``, and the row counts of
    the very snapshot it dumped (an exported snapshot held open meanwhile)."""
    with psycopg.connect(database_url) as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        row = conn.execute("SELECT pg_export_snapshot()").fetchone()
        assert row is not None
        snapshot = row[0]
        counts = table_counts(conn)
        subprocess.run(  # noqa: S603 (our own arguments)
            [  # noqa: S607 (PostgreSQL's client from PATH)
                "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--snapshot={snapshot}",
                f"--file={dump_path}",
                database_url,
            ],
            check=True,
        )
        conn.execute("COMMIT")
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--keep", type=int, default=int(os.environ.get("KEEP", "14")))
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        print("Set DATABASE_URL to the portal's PostgreSQL database.", file=sys.stderr)
        return 2
    args.folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    dump_path = args.folder / f"portal-{stamp}.dump"
    counts = dump_with_counts(database_url, dump_path)
    manifest = {"taken_at": stamp, "tables": counts}
    dump_path.with_suffix(".json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    dumps = sorted(args.folder.glob("portal-*.dump"))
    for old in dumps[: max(len(dumps) - args.keep, 0)]:
        old.unlink()
        old.with_suffix(".json").unlink(missing_ok=True)
    print(f"{dump_path} ({dump_path.stat().st_size} bytes, {sum(counts.values())} rows in {len(counts)} tables)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
