"""What one web host counts, the other honours: a session, a used two-factor
code, a lockout and a rate limit. The test talks to each web host directly
(plain HTTP, as HAProxy does, with the X-Forwarded-Proto it would add), so
it knows which host answered; the client's address is the same either way."""

from __future__ import annotations

import json
import time

from cluster import portal_data
from cluster.browser import Browser
from cluster.hosts import ADDRESS
from cluster.load import totp_now
from cluster.report import Report

FAILED_LOGINS_TO_LOCK = 5  # settings.AXES_FAILURE_LIMIT (LOGIN_FAILURE_LIMIT)
INTAKE_LIMIT = 5  # scheduling.views.public.INTAKE_RATE_LIMIT, per address and hour


def on(host: str) -> Browser:
    return Browser(ADDRESS[host], 8000, tls=False, timeout=20)


def session_travels(report: Report, *, email: str, password: str) -> None:
    browser = on("web1")
    login = browser.log_in(email, password)
    browser.address = ADDRESS["web2"]
    home = browser.get("/me/")
    report.add(
        "A session made on web1 is honoured by web2",
        login.status == 302 and home.status == 200,
        f"login on web1 {login.status} -> {login.location or '?'}; /me/ on web2 {home.status}"
        + (f" -> {home.location}" if home.location else ""),
    )


def used_code_refused(report: Report, *, email: str, password: str, secret: str) -> None:
    """The same TOTP code twice, once per host: the second is refused (the
    replay guard lives in the shared cache). Both uses within the code's
    30 s, or the second would be refused for being late: tried again then."""
    for _ in range(3):
        counter, code = totp_now(secret, avoid=set())
        first, second = on("web1"), on("web2")
        step1 = first.log_in(email, password)
        used = first.post_form(step1.location, {"code": code}) if step1.status == 302 else step1
        step2 = second.log_in(email, password)
        again = second.post_form(step2.location, {"code": code}) if step2.status == 302 else step2
        if int(time.time() // 30) == counter:
            break
    accepted_first = used.status == 302 and not used.location.startswith("/accounts/")
    refused_second = again.status == 200 and again.location == ""
    report.add(
        "A two-factor code used on web1 is refused on web2",
        accepted_first and refused_second and int(time.time() // 30) == counter,
        f"code on web1: {used.status} -> {used.location or '-'}; the same code on web2 within its 30 s: {again.status}"
        + (f" -> {again.location}" if again.location else " (the code step again)"),
    )


def lockout_travels(report: Report, *, email: str, password: str) -> None:
    browser = on("web1")
    statuses = [browser.log_in(email, "not-the-password-1").status for _ in range(FAILED_LOGINS_TO_LOCK)]
    other = on("web2")
    right = other.log_in(email, password)
    locked = right.status == 429 and "Too many attempts" in right.body
    report.add(
        f"A lockout ({FAILED_LOGINS_TO_LOCK} failed logins on web1) holds on web2",
        locked,
        f"wrong passwords on web1: {statuses}; the right password on web2: {right.status}"
        + (" (lockout page)" if locked else ""),
    )


def rate_limit_travels(report: Report, *, counselor_email: str) -> None:
    """The public request API (its honeypot filled, so nothing is saved or
    sent, but it is counted like any request) up to the limit on web1, then
    once more on web2."""
    body = json.dumps(
        {
            "counselor": portal_data.demo_counselor_id(counselor_email),
            "names": "Cluster Test",
            "email": "cluster-test@example.test",
            "website": "http://spam.test",
        }
    )
    first = on("web1")
    statuses = [first.request("POST", "/api/v1/intake-requests/", json_body=body).status for _ in range(INTAKE_LIMIT)]
    over = on("web2").request("POST", "/api/v1/intake-requests/", json_body=body)
    report.add(
        f"A rate limit counted on web1 ({INTAKE_LIMIT} requests an hour) holds on web2",
        all(status == 201 for status in statuses) and over.status == 429,
        f"public requests on web1: {statuses}; one more on web2: {over.status}",
    )


def run(report: Report, *, password: str, session_user: str, locked_user: str, totp_user: str, secret: str) -> None:
    began = time.monotonic()
    session_travels(report, email=session_user, password=password)
    used_code_refused(report, email=totp_user, password=password, secret=secret)
    lockout_travels(report, email=locked_user, password=password)
    rate_limit_travels(report, counselor_email=totp_user)
    print(f"  (shared state checked in {time.monotonic() - began:.0f} s)", flush=True)
