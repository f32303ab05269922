"""Metrics in Prometheus's text format at /metrics, for the addresses in
METRICS_ALLOWED_IPS only; anyone else is answered 404, as if there were
nothing there.

What is checked is the connecting address (REMOTE_ADDR), not
portal.http.client_ip: Prometheus scrapes each web process directly, and
the reverse proxy must not forward /metrics at all. A request that did come
through a trusted proxy (REMOTE_ADDR in TRUSTED_PROXIES and an
X-Forwarded-For header) is refused even when the proxy's address is allowed,
so a proxy that forwards everything does not publish the metrics.

django-prometheus's request, response and model counters are per process.
With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty
directory, emptied at each start) before the processes start: they then write
their counters there and each scrape adds up every process's
(prometheus_client's multiprocess mode). Gauges computed from the database
at scrape time (the reminder queue) are the same whichever process answers;
apps register them with ``register_collector``.
"""

from __future__ import annotations

import ipaddress
import os

import prometheus_client
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe
from prometheus_client import multiprocess
from prometheus_client.registry import Collector, CollectorRegistry

# Collectors of the apps (computed at scrape time), apart from the process's
# own registry so that multiprocess mode does not leave them out.
APP_REGISTRY = CollectorRegistry()
_registered: dict[type, Collector] = {}


def register_collector(collector: Collector) -> None:
    """Called from an app's ready(); ready() may run twice (tests), so a
    collector of the same class is replaced, not added twice."""
    previous = _registered.pop(type(collector), None)
    if previous is not None:
        APP_REGISTRY.unregister(previous)
    APP_REGISTRY.register(collector)
    _registered[type(collector)] = collector


def _in_any(address: ipaddress.IPv4Address | ipaddress.IPv6Address, entries: list[str]) -> bool:
    return any(address in ipaddress.ip_network(entry, strict=False) for entry in entries)


def may_scrape(request: HttpRequest) -> bool:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    if "HTTP_X_FORWARDED_FOR" in request.META and _in_any(address, settings.TRUSTED_PROXIES):
        return False
    return _in_any(address, settings.METRICS_ALLOWED_IPS)


def _process_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return prometheus_client.generate_latest(registry)
    return prometheus_client.generate_latest(prometheus_client.REGISTRY)


@login_not_required
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_scrape(request):
        raise Http404
    body = _process_metrics() + prometheus_client.generate_latest(APP_REGISTRY)
    response = HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
    add_never_cache_headers(response)
    return response
