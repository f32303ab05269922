"""The cache found through Redis Sentinel (portal.cache.SentinelRedisCache):
it writes to the primary the Sentinel names, and after the primary dies and
the Sentinel promotes the replica, the same cache object writes there, with
no restart. A primary, a replica and a Sentinel of the test's own, on free
ports, stopped whatever happens."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.core.cache import cache

from portal.cache import FailoverCache
from tests.processes import free_port, wait_until

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

REDIS_SERVER = shutil.which("redis-server")
MASTER = "portal-test"


class SentinelSet:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.primary_port, self.replica_port, self.sentinel_port = free_port(), free_port(), free_port()
        self.processes: dict[str, subprocess.Popen] = {}

    def _redis(self, name: str, port: int, *extra: str) -> None:
        assert REDIS_SERVER, "redis-server is not installed"
        self.processes[name] = subprocess.Popen(
            [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", *extra],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self._redis("primary", self.primary_port)
        self._redis("replica", self.replica_port, "--replicaof", "127.0.0.1", str(self.primary_port))
        config = self.folder / "sentinel.conf"
        config.write_text(
            f"port {self.sentinel_port}\nbind 127.0.0.1\n"
            f"sentinel monitor {MASTER} 127.0.0.1 {self.primary_port} 1\n"
            f"sentinel down-after-milliseconds {MASTER} 500\n"
            f"sentinel failover-timeout {MASTER} 2000\n"
        )
        assert REDIS_SERVER
        self.processes["sentinel"] = subprocess.Popen(
            [REDIS_SERVER, str(config), "--sentinel"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.replica_in_sync, timeout=15, what="the replica to follow the primary")
        wait_until(self.sentinel_knows_replica, timeout=15, what="the Sentinel to see the replica")

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1)

    def replica_in_sync(self) -> bool:
        try:
            return self.client(self.replica_port).info("replication").get("master_link_status") == "up"
        except redis.RedisError:
            return False

    def sentinel_knows_replica(self) -> bool:
        try:
            return bool(self.client(self.sentinel_port).sentinel_slaves(MASTER))
        except redis.RedisError:
            return False

    def primary_is(self, port: int) -> bool:
        try:
            return self.client(self.sentinel_port).sentinel_get_master_addr_by_name(MASTER)[1] == port
        except (redis.RedisError, TypeError):
            return False

    def kill_primary(self) -> None:
        self.processes["primary"].kill()
        self.processes["primary"].wait(10)

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
                process.wait(10)


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
