"""The cache found through Redis Sentinel (portal.cache.SentinelRedisCache):
it writes to the primary the Sentinel names, and after the primary dies and
the Sentinel promotes the replica, the same cache object writes there, with
no restart. A primary, a replica and a Sentinel of the test's own, on free
ports, stopped whatever happens."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.core.cache import cache

from portal.cache import FailoverCache
from tests.processes import SENTINEL_MASTER as MASTER
from tests.processes import SentinelSet, wait_until

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def sentinels(settings) -> Iterator[SentinelSet]:
    with tempfile.TemporaryDirectory(prefix="portal-sentinel-") as folder:
        servers = SentinelSet(Path(folder))
        try:
            servers.start()
            settings.CACHES = {
                **settings.CACHES,
                "redis": {
                    "BACKEND": "portal.cache.SentinelRedisCache",
                    "LOCATION": f"127.0.0.1:{servers.sentinel_port}",
                    "OPTIONS": {"master": MASTER, "db": 1, "socket_timeout": 0.3, "socket_connect_timeout": 0.3},
                },
                "default": {
                    "BACKEND": "portal.cache.FailoverCache",
                    "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database", "RETRY_AFTER": 0.2},
                },
            }
            FailoverCache._down_until.clear()
            yield servers
        finally:
            servers.stop()
            FailoverCache._down_until.clear()


def test_the_cache_writes_to_the_primary_the_sentinel_names(sentinels):
    cache.set("greeting", "hello")
    primary = redis.Redis(port=sentinels.primary_port, db=1)
    assert primary.exists(":1:greeting")


def test_after_a_failover_the_same_cache_writes_to_the_promoted_replica(sentinels):
    cache.set("before", 1)
    sentinels.kill_primary()
    wait_until(lambda: sentinels.primary_is(sentinels.replica_port), timeout=20, what="the Sentinel to promote")

    def written() -> bool:
        cache.set("after", 2)
        return bool(redis.Redis(port=sentinels.replica_port, db=1).exists(":1:after"))

    wait_until(written, timeout=10, what="the cache to write to the new primary")
    assert cache.get("before") == 1  # replicated before the failover
