"""Check that the PostgreSQL and Redis servers the tests use are reachable.

Reads DATABASE_URL, CELERY_BROKER_URL and CACHE_URL (as scripts/test.sh sets
them) and exits 1 with a message naming each unreachable service and how to
start it. URLs that do not point at PostgreSQL or Redis are not checked.
"""

from __future__ import annotations

import os
import sys

import environ
import psycopg
import redis

START_POSTGRES = (
    "Start it with `pg_ctlcluster $(ls /etc/postgresql) main start` (Debian) or "
    "`sudo service postgresql start`, or set DATABASE_URL to a running server."
)
START_REDIS = (
    "Start it with `redis-server --daemonize yes --bind 127.0.0.1 --port {port}` or "
    "`sudo service redis-server start`, or set {name} to a running server."
)


def check_postgres(url: str) -> str | None:
    config = environ.Env.db_url_config(url)
    if "postgresql" not in config["ENGINE"]:
        return None
    host, port = config.get("HOST") or "localhost", config.get("PORT") or 5432
    try:
        # The maintenance database: the test database may not exist yet.
        with psycopg.connect(
            host=host,
            port=port,
            user=config.get("USER") or None,
            password=config.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=5,
        ) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return f"PostgreSQL is not reachable at {host}:{port} (DATABASE_URL): {reason}\n  {START_POSTGRES}"
    print(f"ok: PostgreSQL at {host}:{port}")
    return None


def check_redis(name: str, url: str) -> str | None:
    if not url.startswith(("redis://", "rediss://")):
        return None
    client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=5)
    kwargs = client.connection_pool.connection_kwargs
    where = f"{kwargs.get('host')}:{kwargs.get('port')}"
    try:
        client.ping()
    except redis.RedisError as exc:
        hint = START_REDIS.format(name=name, port=kwargs.get("port"))
        return f"Redis is not reachable at {where} ({name}): {exc}\n  {hint}"
    finally:
        client.close()
    print(f"ok: Redis at {where} ({name})")
    return None


def main() -> int:
    problems = [
        check_postgres(os.environ["DATABASE_URL"]) if os.environ.get("DATABASE_URL") else None,
        *(check_redis(name, os.environ[name]) for name in ("CELERY_BROKER_URL", "CACHE_URL") if os.environ.get(name)),
    ]
    problems = [p for p in problems if p]
    for problem in problems:
        print(f"ERROR: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
