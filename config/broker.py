"""The Redis transports behind redis://, rediss:// and sentinel:// broker
URLs: kombu's own, with one fix, registered under those names by
config/celery.py before anything connects.

Why: when a worker loses its broker (the Redis primary dies, say), Celery
5.7 first *collects* the connection, which closes it and then drops the
transport's link back to it (``transport.client = None``), and then closes
it again. If the first close stopped early (the channel was waiting on a
BRPOP, and reading that raised), the second one puts back the messages the
worker holds, for which kombu builds a new connection pool from
``transport.client``: an AttributeError on None, which Celery treats as
unrecoverable, so the worker exits instead of reconnecting. The cluster
test's Redis failover met it; tests/notifications/test_faults.py
reproduces it with a Sentinel of its own.

The fix: a channel remembers the connection it was opened for, and builds
that late pool from it. The held messages then go back to the queue on the
new primary, or, when no primary answers yet, stay where Redis keeps
unacknowledged messages until the visibility timeout (reminders do not wait
for that: their leases lapse sooner and the sweep hands them out again).
"""

from __future__ import annotations

from typing import Any

from kombu import transport as kombu_transport
from kombu.transport import redis as kombu_redis


class _RemembersItsConnection:
    """Mixed into kombu's Redis channels (before them)."""

    connection: Any  # the kombu transport this channel belongs to

    def __init__(self, connection: Any, *args: Any, **kwargs: Any) -> None:
        # Before kombu's __init__, which may already build a pool.
        self._opened_for = connection.client
        super().__init__(connection, *args, **kwargs)  # type: ignore[call-arg]

    def _get_pool(self, asynchronous: bool = False) -> Any:
        transport = self.connection
        if transport.client is not None or self._opened_for is None:
            return super()._get_pool(asynchronous)  # type: ignore[misc]
        # Celery has let go of the connection; the pool is for putting back
        # what this channel holds, on its way out.
        transport.client = self._opened_for
        try:
            return super()._get_pool(asynchronous)  # type: ignore[misc]
        finally:
            transport.client = None

    def close(self) -> None:
        super().close()  # type: ignore[misc]
        # A pool made above, on the way out, is let go of too.
        self._disconnect_pools()  # type: ignore[attr-defined]


class Channel(_RemembersItsConnection, kombu_redis.Channel):
    pass


class SentinelChannel(_RemembersItsConnection, kombu_redis.SentinelChannel):
    pass


class Transport(kombu_redis.Transport):
    Channel = Channel


class SentinelTransport(kombu_redis.SentinelTransport):
    Channel = SentinelChannel


ALIASES = {
    "redis": f"{__name__}:Transport",
    "rediss": f"{__name__}:Transport",
    "sentinel": f"{__name__}:SentinelTransport",
}


def register() -> None:
    """Point the broker URL schemes at the transports above, in kombu's
    table of URL schemes (read when a connection is first made)."""
    kombu_transport.TRANSPORT_ALIASES.update(ALIASES)
