"""The shared cache, kept working when Redis is not.

Login rate limits (allauth), the TOTP replay guard (a code used once is
refused everywhere) and the public request form's limit live in the cache.
When Redis was stopped they raised, and logins answered 500; when Redis hung,
each request waited seconds for it. So the default cache is a
``FailoverCache``: Redis, asked with short timeouts, and when Redis does not
answer, a table in the database, which every web process shares as they
share Redis. Counts and used codes therefore keep holding across processes
during an outage; when Redis comes back, the portal goes back to it (what
was counted in the table meanwhile is not carried over: at most one window's
worth of attempts more, for the accounts tried during the outage).

After a failure the process leaves Redis alone for ``RETRY_AFTER`` seconds,
so a hung Redis costs one request one timeout, not every request.

``SentinelRedisCache`` is Django's Redis cache found through Redis Sentinel
(``CACHE_URL=sentinel://host:port,host:port/db`` with REDIS_SENTINEL_MASTER):
after a failover it asks the Sentinels for the new primary.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError
from redis.sentinel import Sentinel

logger = logging.getLogger(__name__)

# What a Redis that is down, hung or failing over raises through redis-py.
UNAVAILABLE = (RedisError, OSError)


class FailoverCache(BaseCache):
    """Every call goes to the PRIMARY cache alias unless it failed within the
    last RETRY_AFTER seconds; then, or when the call fails, to FALLBACK."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._primary_alias: str = options["PRIMARY"]
        self._fallback_alias: str = options["FALLBACK"]
        self._retry_after: float = float(options.get("RETRY_AFTER", 5.0))
        self._lock = threading.Lock()

    # One state per process and primary, shared by the per-thread instances
    # Django makes of this backend.
    _down_until: dict[str, float] = {}

    @property
    def primary_is_down(self) -> bool:
        return time.monotonic() < self._down_until.get(self._primary_alias, 0.0)

    def _mark_down(self, exc: BaseException) -> None:
        with self._lock:
            was_up = not self.primary_is_down
            self._down_until[self._primary_alias] = time.monotonic() + self._retry_after
        if was_up:
            logger.warning(
                "cache %r unavailable (%s); using %r for %.0f s",
                self._primary_alias,
                type(exc).__name__,
                self._fallback_alias,
                self._retry_after,
            )

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if not self.primary_is_down:
            try:
                return getattr(caches[self._primary_alias], method)(*args, **kwargs)
            except UNAVAILABLE as exc:
                self._mark_down(exc)
        return getattr(caches[self._fallback_alias], method)(*args, **kwargs)

    def add(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return bool(self._call("add", key, value, timeout, version))

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._call("get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = 300, version: int | None = None) -> None:
        self._call("set", key, value, timeout, version)

    def touch(self, key: Any, timeout: Any = 300, version: int | None = None) -> bool:
        return bool(self._call("touch", key, timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("delete", key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return dict(self._call("get_many", keys, version))

    def set_many(self, data: dict[Any, Any], timeout: Any = 300, version: int | None = None) -> list[Any]:
        return list(self._call("set_many", data, timeout, version))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        self._call("delete_many", keys, version)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._call("has_key", key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("incr", key, delta, version))

    def decr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._call("decr", key, delta, version))

    def clear(self) -> None:
        """The cache in use; what the table holds from an outage expires by itself."""
        self._call("clear")

    def close(self, **kwargs: Any) -> None:
        """Nothing of its own to close: Django closes each wrapped cache."""


class SentinelCacheClient(RedisCacheClient):
    """RedisCacheClient whose one client is the primary the Sentinels name.
    Reads go to the primary too: a replica may lag behind a rate limit."""

    def __init__(self, servers: list[str], *, master: str, db: int = 0, **options: Any) -> None:
        super().__init__(servers, **options)
        sentinel_options = {k: v for k, v in options.items() if k.startswith("socket_")}
        addresses = [(host, int(port)) for host, _, port in (server.rpartition(":") for server in servers)]
        self._sentinel = Sentinel(addresses, sentinel_kwargs=sentinel_options, db=db, **options)
        self._master_name = master
        self._client: Any = None

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        if self._client is None:
            self._client = self._sentinel.master_for(self._master_name)
        return self._client


class SentinelRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SentinelCacheClient
