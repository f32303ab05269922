"""The portal without its cache: Redis stopped or hung. Logins, the API's
token endpoint and the public request form keep answering (never a 500,
never seconds of waiting), and what the cache guards (rate limits, the
second-factor attempt count, a TOTP code used once) keeps holding, counted
in the database table that stands in for Redis (portal.cache).

Each test runs a redis-server of its own (or a silent port), never the
machine's."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import Client

from portal.cache import FailoverCache
from portal.models import CacheEntry
from tests.factories import DEFAULT_PASSWORD, totp_code
from tests.processes import OwnRedis, SilentServer

pytestmark = pytest.mark.django_db

CODE_LIMIT = 5  # allauth's ACCOUNT_LOGIN_ATTEMPTS_LIMIT


def point_cache_at(settings, url: str) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "redis": {**settings.CACHES["redis"], "LOCATION": url},
        "default": {
            "BACKEND": "portal.cache.FailoverCache",
            "OPTIONS": {"PRIMARY": "redis", "FALLBACK": "database", "RETRY_AFTER": 0.5},
        },
    }
    FailoverCache._down_until.clear()


@pytest.fixture
def stopped_redis(settings) -> Iterator[OwnRedis]:
    """A Redis that was there and has gone: its port now refuses."""
    server = OwnRedis()
    server.start()
    try:
        point_cache_at(settings, server.url)
        cache.set("warm", 1)  # the portal had been using it
        server.stop()
        yield server
    finally:
        server.stop()
        FailoverCache._down_until.clear()


@pytest.fixture
def hung_redis(settings) -> Iterator[SilentServer]:
    """A Redis that accepts connections and never answers."""
    server = SilentServer()
    try:
        point_cache_at(settings, f"redis://127.0.0.1:{server.port}/0")
        yield server
    finally:
        server.close()
        FailoverCache._down_until.clear()


def token(client: Client, **data: str):
    return client.post("/api/v1/auth/token/", data, content_type="application/json")


def wrong_code(secret: str) -> str:
    return f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"


def test_with_redis_stopped_the_login_page_answers(stopped_redis):
    assert Client().get("/accounts/login/").status_code == 200


def test_with_redis_stopped_a_wrong_password_gets_the_form_error_not_a_500(stopped_redis, partner):
    response = Client().post("/accounts/login/", {"login": partner.email, "password": "not the password"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_with_redis_stopped_a_partner_logs_in(stopped_redis, partner):
    response = Client().post("/accounts/login/", {"login": partner.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302


def test_with_redis_stopped_wrong_codes_still_lock_the_second_factor(stopped_redis, counselor):
    client = Client()
    for _ in range(CODE_LIMIT):
        token(client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=wrong_code(counselor.totp_secret))
    right = totp_code(counselor.totp_secret)
    assert token(client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=right).status_code == 429


def test_with_redis_stopped_the_counts_are_kept_in_the_database_table(stopped_redis, counselor):
    token(Client(), email=counselor.email, password=DEFAULT_PASSWORD, otp_code=wrong_code(counselor.totp_secret))
    assert CacheEntry.objects.exists()


def test_with_redis_stopped_a_totp_code_used_once_is_refused_again(stopped_redis, counselor):
    code = totp_code(counselor.totp_secret)
    first = token(Client(), email=counselor.email, password=DEFAULT_PASSWORD, otp_code=code)
    again = token(Client(), email=counselor.email, password=DEFAULT_PASSWORD, otp_code=code)
    assert first.status_code == 200
    assert again.status_code == 400


def test_with_redis_stopped_the_public_request_form_still_limits_each_address(stopped_redis, dana, request_form):
    visitor = Client()
    answers = [visitor.post("/counselors/dana-reyes/", request_form).status_code for _ in range(6)]
    assert answers == [302] * 5 + [429]


def test_a_hung_redis_costs_a_login_attempt_well_under_a_second(hung_redis, partner):
    started = time.monotonic()
    response = Client().post("/accounts/login/", {"login": partner.email, "password": "not the password"})
    assert response.status_code == 200
    assert time.monotonic() - started < 1.0


def test_after_one_timeout_the_next_requests_do_not_wait_for_a_hung_redis(hung_redis, partner):
    Client().post("/accounts/login/", {"login": partner.email, "password": "not the password"})
    started = time.monotonic()
    for _ in range(3):
        Client().post("/accounts/login/", {"login": partner.email, "password": "not the password"})
    assert time.monotonic() - started < 1.0


def test_when_redis_is_back_the_cache_uses_it_again(stopped_redis):
    cache.set("during", 1)  # fails over to the table
    stopped_redis.start()
    time.sleep(0.6)  # RETRY_AFTER
    cache.set("after", 2)
    assert stopped_redis.client().get(":1:after") is not None
