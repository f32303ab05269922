"""/metrics: Prometheus's text format for the addresses in
METRICS_ALLOWED_IPS, a 404 for anyone else (as if it were not there)."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def scrape(address: str, **headers: str):
    return Client(REMOTE_ADDR=address).get("/metrics", **headers)


def test_an_address_not_allowed_is_told_there_is_nothing_there():
    response = scrape("203.0.113.7")
    assert response.status_code == 404
    assert b"portal_reminders_due" not in response.content
    assert b"django_http" not in response.content


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_loopback_may_scrape_by_default(address):
    response = scrape(address)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert b"django_http_requests_total_by_method_total" in response.content  # django-prometheus's own
    assert b"portal_reminders_due " in response.content
    assert "no-store" in response["Cache-Control"]


def test_an_allowed_network_may_scrape(settings):
    settings.METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert scrape("10.20.3.4").status_code == 200
    assert scrape("10.21.0.1").status_code == 404
    assert scrape("127.0.0.1").status_code == 404  # the default list is replaced, not extended


def test_a_forwarded_header_does_not_make_an_outsider_allowed(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert scrape("203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404


def test_what_came_through_the_reverse_proxy_is_refused_even_from_an_allowed_address(settings):
    # A proxy that forwards every path, on an address that may scrape: the
    # world would reach /metrics through it. Its X-Forwarded-For gives it away.
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/24"]
    assert scrape("10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.20").status_code == 404
    assert scrape("10.0.0.5").status_code == 200  # the same host scraping directly


def test_with_several_processes_the_counters_are_read_from_the_shared_directory(monkeypatch, tmp_path):
    # prometheus_client's multiprocess mode: each gunicorn worker writes its
    # counters under PROMETHEUS_MULTIPROC_DIR and a scrape adds them up. This
    # process wrote none there; the reminder gauges come from the database.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    response = scrape("127.0.0.1")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" not in response.content
    assert b"portal_reminders_due " in response.content
