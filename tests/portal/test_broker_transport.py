"""The broker URLs the portal is configured with resolve to config/broker.py's
transports (kombu's, keeping a worker alive through a failover), not kombu's
own: the failover test that proves the fix is slow, this says where it is."""

from __future__ import annotations

import pytest
from kombu import Connection

from config import broker


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://127.0.0.1:6379/0", broker.Transport),
        ("rediss://127.0.0.1:6380/0", broker.Transport),
        ("sentinel://127.0.0.1:26379", broker.SentinelTransport),
    ],
)
def test_a_redis_broker_url_uses_the_portals_transport(url, expected):
    assert Connection(url).get_transport_cls() is expected
