"""Hostile but typeable input never makes the portal answer 5xx.

Every form a person can reach and every API write are found, not listed:
the pages by crawling what each role can reach from its home (every form on
them, POST and GET, and every link with a query string), the API from the
OpenAPI schema (every POST, PUT and PATCH body, every query parameter). Each
field then gets each hostile value in turn, the other fields keeping what
the page or the object already holds, as the partner, the counselor, the
front desk and an anonymous visitor. The world is the demo practice: it has
an object of every kind, so forms are reached with real, in-scope ids.

Each request runs in a savepoint that is rolled back, so one value's success
does not change what the next one meets.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from io import StringIO
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from accounts.models import User
from config import demo

pytestmark = pytest.mark.slow

LONG = "x" * 100_000
HOSTILE_TEXT = [
    "0001-01-01",
    "9999-12-31",
    "25:61",
    "9999-12-31T23:59",
    "0001-01-01T00:00",
    "2031-01-01T10:00:00+16:00",
    "2031-01-01T10:00:00-23:59",
    "a\x00b",
    "",
    "9" * 40,
    "-1",
    LONG,
]
# JSON bodies can carry more than text.
HOSTILE_JSON: list[Any] = [*HOSTILE_TEXT, 10**40, -(10**40), -1, None, True, ["a"], {"a": "b"}, [{"a": "\x00"}]]

SKIPPED_PREFIXES = ("/admin/", "/static/", "/accounts/logout/", "/api/")
MAX_PAGES_PER_ROUTE = 2
MAX_PAGES = 200


# --- the pages' forms -------------------------------------------------------------------


class _Forms(HTMLParser):
    """The forms and links of a page: each form's method, action and fields
    with the value the page gives them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.links: list[str] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": {}}
            self.forms.append(self._form)
        elif self._form is None or (not a.get("name") and tag != "option"):
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "file", "image", "reset"):
            fields = self._form["fields"]
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                fields.setdefault(a["name"], {"type": a.get("type"), "value": None})
                return
            fields[a["name"]] = {"type": a.get("type", "text"), "value": a.get("value", ""), "max": a.get("maxlength")}
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"][a["name"]] = {"type": "select", "value": None}
        elif tag == "option" and self._select:
            field = self._form["fields"][self._select]
            if "selected" in a or (field["value"] in (None, "") and a.get("value")):
                field["value"] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = {"type": "textarea", "value": "", "max": a.get("maxlength")}

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea:
            self._form["fields"][self._textarea]["value"] += data


def _default(field: dict[str, Any]) -> str | None:
    """A plausible value for a field the page leaves empty."""
    if field["value"] not in (None, ""):
        return field["value"]
    soon = timezone.localdate() + timedelta(days=14)
    return {
        "date": soon.isoformat(),
        "time": "10:00",
        "datetime-local": f"{soon.isoformat()}T10:00",
        "number": "1",
        "email": "someone@example.test",
        "checkbox": None,
        "radio": None,
        "select": None,
        "hidden": "",
    }.get(field["type"], "ok")


def _values_for(field: dict[str, Any]) -> list[str]:
    values = list(HOSTILE_TEXT)
    if field.get("max") and field["max"].isdigit():
        values.append("x" * (int(field["max"]) + 1))
    return values


def _route_name(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def _crawl(client: Client, starts: list[str]) -> Iterator[tuple[str, _Forms]]:
    """Each page the client can open from the starts, at most a few per route."""
    seen: set[str] = set()
    per_route: dict[str | None, int] = {}
    queue = list(starts)
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIPPED_PREFIXES):
            continue
        seen.add(url)
        name = _route_name(path)
        if per_route.get(name, 0) >= MAX_PAGES_PER_ROUTE:
            continue
        per_route[name] = per_route.get(name, 0) + 1
        response = client.get(url)
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Forms()
        page.feed(response.content.decode())
        yield url, page
        for href in page.links:
            target = urljoin(url, href)
            if urlsplit(target).netloc in ("", "testserver") and not href.startswith(("#", "mailto:", "tel:")):
                queue.append(urlsplit(target)._replace(scheme="", netloc="", fragment="").geturl())


class _Isolated:
    """Runs each request in a savepoint rolled back afterwards, keeping the
    client's cookies (a password change would otherwise log it out)."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def send(self, method: str, path: str, data: Any = None, *, json_body: bool = False) -> int:
        cookies = self.client.cookies
        self.client.cookies = type(cookies)(cookies)
        try:
            with transaction.atomic():
                if json_body:
                    response = getattr(self.client, method)(
                        path, data=json.dumps(data), content_type="application/json"
                    )
                elif method == "get":
                    response = self.client.get(path, data)
                else:
                    response = self.client.post(path, data)
                transaction.set_rollback(True)
        finally:
            self.client.cookies = cookies
        return response.status_code


def _page_failures(who: str, client: Client, starts: list[str]) -> tuple[list[str], int]:
    isolated = _Isolated(client)
    failures: list[str] = []
    sent = 0
    forms_seen: set[tuple[str, str, frozenset[str]]] = set()
    links_seen: set[tuple[str, frozenset[str]]] = set()
    pages = list(_crawl(client, starts))
    for url, page in pages:
        for form in page.forms:
            action = urljoin(url, form["action"] or url)
            key = (_route_name(urlsplit(action).path) or action, form["method"], frozenset(form["fields"]))
            if key in forms_seen or urlsplit(action).path.startswith(SKIPPED_PREFIXES):
                continue
            forms_seen.add(key)
            base = {name: _default(field) for name, field in form["fields"].items()}
            base = {name: value for name, value in base.items() if value is not None}
            method = "post" if form["method"] == "post" else "get"
            for name, field in form["fields"].items():
                if name == "csrfmiddlewaretoken":
                    continue
                for value in _values_for(field):
                    status = isolated.send(method, action, {**base, name: value})
                    sent += 1
                    if status >= 500:
                        failures.append(f"{who} {method.upper()} {action} {name}={value[:30]!r}: {status}")
        for href in page.links:
            target = urlsplit(urljoin(url, href))
            if not target.query or target.netloc not in ("", "testserver") or target.path.startswith(SKIPPED_PREFIXES):
                continue
            params = dict(parse_qsl(target.query))
            # One link per route and set of parameters: the calendar has a link per
            # free half hour and booking a button per free time, all alike.
            link_key = (_route_name(target.path) or target.path, frozenset(params))
            if link_key in links_seen:
                continue
            links_seen.add(link_key)
            for name in params:
                for value in HOSTILE_TEXT:
                    status = isolated.send("get", f"{target.path}?{urlencode({**params, name: value})}")
                    sent += 1
                    if status >= 500:
                        failures.append(f"{who} GET {target.path} ?{name}={value[:30]!r}: {status}")
    return failures, sent


# --- the API -------------------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _results(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, dict) and isinstance(body.get("results"), list):
        return body["results"]
    return body if isinstance(body, list) else []


def _fill_path(client: Client, template: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Concrete paths for a schema path, its ids taken from the list endpoints
    the role can read, with the object found there (a template for bodies)."""
    if "{" not in template:
        yield template, {}
        return
    head, rest = template.split("{", 1)
    param, tail = rest.split("}", 1)
    response = client.get(head)
    rows = _results(response.json()) if response.status_code == 200 else []
    key = "slug" if param == "slug" else "id"
    for row in rows[:3]:
        if key in row:
            for path, found in _fill_path(client, f"{head}{row[key]}{tail}"):
                yield path, found or row


def _body_properties(operation: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    content = operation.get("requestBody", {}).get("content", {})
    schema = (content.get("application/json") or next(iter(content.values()), {})).get("schema", {})
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[1]]
    return {name: prop for name, prop in schema.get("properties", {}).items() if not prop.get("readOnly")}


def _json_default(prop: dict[str, Any]) -> Any:
    soon = timezone.now() + timedelta(days=14)
    if prop.get("format") == "date-time":
        return soon.replace(hour=17, minute=0, second=0, microsecond=0).isoformat()
    if prop.get("format") == "date":
        return soon.date().isoformat()
    return {"integer": 1, "number": 1, "boolean": False, "array": [], "object": {}}.get(prop.get("type", ""), "ok")


def _api_failures(who: str, client: Client, schema: dict[str, Any]) -> tuple[list[str], int]:
    isolated = _Isolated(client)
    components = schema.get("components", {}).get("schemas", {})
    failures: list[str] = []
    sent = 0
    for template, operations in schema["paths"].items():
        for path, found in _fill_path(client, template):
            for method, operation in operations.items():
                if method in ("post", "put", "patch"):
                    props = _body_properties(operation, components)
                    base = {name: found.get(name, _json_default(prop)) for name, prop in props.items()}
                    if isolated.send(method, path, base, json_body=True) in (401, 403, 404, 405):
                        continue  # not this role's: refused before the body is read
                    for name in props:
                        for value in HOSTILE_JSON:
                            status = isolated.send(method, path, {**base, name: value}, json_body=True)
                            sent += 1
                            if status >= 500:
                                failures.append(f"{who} {method.upper()} {path} {name}={str(value)[:30]!r}: {status}")
                elif method == "get":
                    for param in operation.get("parameters", []):
                        if param.get("in") != "query":
                            continue
                        for value in HOSTILE_TEXT:
                            status = isolated.send("get", path, {param["name"]: value})
                            sent += 1
                            if status >= 500:
                                failures.append(f"{who} GET {path} ?{param['name']}={value[:30]!r}: {status}")
    return failures, sent


# --- the test ------------------------------------------------------------------------------------


@pytest.fixture
def demo_roles(db) -> dict[str, Client]:
    """The demo practice, and a client for each role in it."""
    call_command("load_demo", stdout=StringIO())
    clients = {"anonymous": Client(raise_request_exception=False)}
    for who, email in {
        "partner": demo.COUPLES[0][0].email,
        "counselor": demo.COUNSELORS[0].email,
        "practice admin": demo.ADMIN.email,
    }.items():
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(email=email), backend="django.contrib.auth.backends.ModelBackend")
        clients[who] = client
    return clients


PUBLIC_STARTS = ["/offices/", "/counselors/", "/accounts/login/", "/accounts/password/reset/"]


def test_no_form_page_answers_hostile_input_with_a_server_error(demo_roles):
    failures: list[str] = []
    sent = 0
    for who, client in demo_roles.items():
        found, count = _page_failures(who, client, PUBLIC_STARTS if who == "anonymous" else ["/"])
        failures += found
        sent += count
    assert sent > 1000  # the crawl reached the forms
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(sorted(set(failures)))


def test_no_api_write_or_query_answers_hostile_input_with_a_server_error(demo_roles):
    schema = _schema()
    failures: list[str] = []
    sent = 0
    for who, client in demo_roles.items():
        found, count = _api_failures(who, client, schema)
        failures += found
        sent += count
    assert sent > 1000  # the schema's writes were reached
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(sorted(set(failures)))
