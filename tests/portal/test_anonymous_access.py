"""Every route of the project, opened by someone who is not logged in.

The routes are read from the URL resolver, so a new one is covered the day it
is added: it must send an anonymous visitor to the login page (pages) or
answer 401/403 (API), unless it is on the short public list below.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import resolve, reverse

from tests.routes import all_routes

# Routes anyone may open, by URL name, each with the reason.
PUBLIC_NAMES = {
    # Logging in and out: allauth's anonymous steps.
    "account_login": "the login page",
    "account_logout": "logging out (an anonymous visitor is sent to the login page)",
    "account_inactive": "the 'this account is inactive' notice shown instead of logging in",
    "account_confirm_login_code": "login-by-code step (not enabled: sends to the login page)",
    "mfa_authenticate": "the TOTP step of logging in, before the session is authenticated",
    "account_signup": "the 'sign-up is closed' page (accounts come from invitations)",
    "account_email_verification_sent": "allauth's 'check your e-mail' notice",
    "account_confirm_email": "the link in a confirmation e-mail (unused: invited addresses are verified)",
    # Forgotten passwords.
    "account_reset_password": "asking for a reset e-mail",
    "account_reset_password_done": "the 'check your e-mail' page",
    "account_reset_password_from_key": "the link in the reset e-mail",
    "account_reset_password_from_key_done": "the 'password changed' page",
    # The portal's own.
    "invitation_accept": "the link in the invitation e-mail",
    "schema": "the OpenAPI schema",
    "api-docs": "the Swagger UI",
    "favicon": "the site's icon, which browsers ask for at /favicon.ico",
    "set_language": "the footer's language switch (a visitor's choice goes in a cookie)",
    "language_help": "free language help and how to ask for it (US rules ask that everyone be told)",
    "accessibility_statement": "the accessibility statement every footer links to",
    "api-token": "exchanging credentials for a token (answers GET with 405)",
    # Operations: the load balancer's probes (they say only ok or not), and
    # Prometheus's scrape (a 404 for addresses not in METRICS_ALLOWED_IPS).
    "healthz": "the process is alive",
    "readyz": "database, broker and migrations ready",
    "metrics": "Prometheus metrics, for the allowed addresses only",
    "unsubscribe": "the one-click unsubscribe link in reminder e-mails (RFC 8058: no login)",
    "attend": "the confirm-attendance link in appointment reminders (signed, no login; GET only shows the button)",
    # Scheduling: what the practice's public website shows, and calendar subscriptions.
    "office_list": "the public list of offices with addresses, phones and hours",
    "office_detail": "an office's public page with its counselors",
    "counselor_directory": "the public counselor directory",
    "counselor_profile": "a counselor's public profile and the new-client request form",
    "home": "the practice's front door for visitors (logged-in users are sent to their own home)",
    "counselor_photo": "a listed counselor's photo, shown in the public directory",
    "request_appointment": "a new client's request for an appointment, with or without a counselor in mind",
    "request_appointment_sent": "the confirmation after that request (nothing of what was written)",
    "calendar_feed": "a private iCalendar feed: calendar apps cannot log in, the secret token is the key",
    "location_feed": "a location's iCalendar feed for an admin's calendar app, behind the admin's secret token",
}


def test_every_route_can_be_turned_into_a_path_that_resolves_back_to_it():
    routes, problems = all_routes()
    for route in routes:
        match = resolve(route.path)
        if route.name and match.url_name != route.name:
            problems.append(f"{route.pattern}: {route.path} resolves to {match.url_name}")
    assert not problems, "\n".join(problems)
    assert len(routes) > 50  # the walk went into the included resolvers


def _is_sent_to_login(client, path: str) -> bool:
    response = client.get(path)
    # The Django admin first sends to its own login page, which hands over to ours.
    if response.status_code == 302 and response.url.startswith("/admin/login/"):
        response = client.get(response.url)
    if response.status_code != 302:
        return False
    target = urlsplit(response.url)
    return target.path == reverse("account_login") and parse_qs(target.query).get("next") == [path]


@pytest.fixture
def anonymous():
    """A visitor with no session; a crash is a status (500) to report, not an exception."""
    return Client(raise_request_exception=False)


@pytest.mark.django_db
def test_anonymous_visitors_reach_only_the_public_routes(anonymous):
    client = anonymous
    routes, _ = all_routes()
    offenders = []
    for route in routes:
        if route.name in PUBLIC_NAMES:
            continue
        if route.path.startswith("/api/"):
            status = client.get(route.path).status_code
            if status not in (401, 403):
                offenders.append(f"{route.path} ({route.name}): API answered {status}, not 401/403")
        elif not _is_sent_to_login(client, route.path):
            response = client.get(route.path)
            offenders.append(
                f"{route.path} ({route.name}): {response.status_code} {response.get('Location', '')}".rstrip()
            )
    assert not offenders, "Open to anonymous visitors:\n" + "\n".join(offenders)


@pytest.mark.django_db
def test_public_routes_answer_anonymous_visitors_without_an_error(anonymous):
    client = anonymous
    routes, _ = all_routes()
    public = [r for r in routes if r.name in PUBLIC_NAMES]
    answers = {r.path: client.get(r.path).status_code for r in public}
    failing = {path: status for path, status in answers.items() if status >= 500 or status in (401, 403)}
    assert not failing, failing
    assert {r.name for r in public} == set(PUBLIC_NAMES), "an allow-listed name no longer exists"
