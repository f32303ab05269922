"""The load balancer as deploy/haproxy.cfg sets it up: plain HTTP sent to
HTTPS, /metrics not forwarded (a web host answers it only to its allowed
address), the client's own X-Forwarded-For and X-Request-ID replaced by
HAProxy's, so a rate limit counts the client HAProxy saw."""

from __future__ import annotations

import json

from cluster import portal_data
from cluster.browser import Browser
from cluster.hosts import ADDRESS
from cluster.report import Report

FORGED = {"X-Forwarded-For": "203.0.113.9", "X-Request-ID": "chosen-by-the-client-0001"}


def run(report: Report, *, counselor_email: str) -> None:
    lb = Browser(ADDRESS["lb"])
    plain = Browser(ADDRESS["lb"], 80, tls=False).get("/accounts/login/")
    login = lb.get("/accounts/login/")
    report.add(
        "HAProxy: plain HTTP is sent to HTTPS; TLS ends at HAProxy",
        plain.status == 301 and plain.headers.get("location", "").startswith("https://") and login.status == 200,
        f"http:// {plain.status} -> {plain.headers.get('location', '-')}; https:// {login.status}",
    )
    through_lb = lb.get("/metrics")
    direct = Browser(ADDRESS["web1"], 8000, tls=False).get("/metrics")
    report.add(
        "/metrics is not forwarded by HAProxy; a web host answers it to its allowed address",
        through_lb.status == 404 and direct.status == 200 and "portal_reminders_due" in direct.body,
        f"through HAProxy {through_lb.status}; from the client host to web1 directly {direct.status}",
    )
    # The public request form's limit is already used up by this address
    # (shared_state.rate_limit_travels): a forged X-Forwarded-For must not
    # make it someone else.
    body = json.dumps(
        {
            "counselor": portal_data.demo_counselor_id(counselor_email),
            "names": "Cluster Test",
            "email": "cluster-test@example.test",
            "website": "http://spam.test",
        }
    )
    forged = lb.request("POST", "/api/v1/intake-requests/", json_body=body, extra_headers=FORGED)
    request_id = forged.headers.get("x-request-id", "")
    report.add(
        "A forged X-Forwarded-For through HAProxy does not change who the limit counts; X-Request-ID is HAProxy's",
        forged.status == 429 and bool(request_id) and request_id != FORGED["X-Request-ID"],
        f"a public request through HAProxy with a forged X-Forwarded-For: {forged.status};"
        f" X-Request-ID answered: {request_id or '-'}",
    )
