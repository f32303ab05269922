"""The headers every response carries: a strict Content-Security-Policy on
every route, Cache-Control: no-store on whatever a logged-in person is shown,
and a favicon. The routes come from the URL resolver (tests/routes.py), so a
new page is covered the day it is added."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

from tests.routes import all_routes

STRICT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    parts = [part.strip().split(None, 1) for part in header.split(";") if part.strip()]
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.fixture
def clients(personas, as_user):
    anonymous = Client(raise_request_exception=False)
    people = {"partner": personas.partner, "counselor": personas.counselor, "admin": personas.admin}
    logged_in = {name: as_user(user) for name, user in people.items()}
    for client in logged_in.values():
        client.raise_request_exception = False
    return anonymous, logged_in


def test_the_policy_is_strict():
    from django.conf import settings

    policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    for values in policy.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values


@pytest.mark.django_db
def test_every_route_answers_every_role_with_the_strict_policy(clients):
    anonymous, logged_in = clients
    routes, _ = all_routes()
    missing = []
    for who, client in {"anonymous": anonymous, **logged_in}.items():
        for route in routes:
            response = client.get(route.path)
            directives = _directives(response.get("Content-Security-Policy", ""))
            wrong = {k: directives.get(k) for k, v in STRICT_DIRECTIVES.items() if directives.get(k) != v}
            if wrong:
                missing.append(f"{who} {route.path} ({response.status_code}): {wrong}")
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
def test_every_response_to_someone_logged_in_is_no_store(clients):
    _, logged_in = clients
    routes, _ = all_routes()
    cached = []
    for who, client in logged_in.items():
        for route in routes:
            if route.name == "account_logout":  # would end the session for the routes after it
                continue
            response = client.get(route.path)
            if "no-store" not in response.get("Cache-Control", ""):
                cached.append(f"{who} {route.path} ({response.status_code}): {response.get('Cache-Control')!r}")
    assert not cached, "\n".join(cached)


@pytest.mark.django_db
def test_the_api_docs_page_loads_its_script_from_a_file(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<script>" not in html and "<style>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


@pytest.mark.django_db
def test_pages_link_a_favicon_and_favicon_ico_answers(client):
    page = client.get("/accounts/login/")
    assert b'rel="icon"' in page.content
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301 and icon["Location"] == static("favicon.svg")
    assert finders.find("favicon.svg")


def test_no_page_template_carries_inline_script_or_style():
    """The policy would block them (e-mails are not pages: mail clients need inline styles)."""
    from django.conf import settings

    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    templates = Path(settings.BASE_DIR, "templates")
    offenders = [
        f"{path.relative_to(templates)}: {match.group(0).strip()}"
        for path in templates.rglob("*.html")
        if "emails" not in path.relative_to(templates).parts
        for match in inline.finditer(path.read_text())
    ]
    assert not offenders, "\n".join(offenders)
