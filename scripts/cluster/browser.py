"""A small browser for the simulated users: one connection per request (as
a new visitor's would be), cookies kept by hand (the portal's are Secure,
and the test also talks plain HTTP straight to a web host), the form's CSRF
token and the Referer/Origin a browser sends, redirects not followed."""

from __future__ import annotations

import http.client
import re
import ssl
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

HOST_NAME = "portal.example.org"  # deploy/env/common.env's ALLOWED_HOSTS and PORTAL_BASE_URL
ORIGIN = f"https://{HOST_NAME}"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Reply:
    status: int  # 0: no answer (refused, reset, timed out)
    headers: dict[str, str]
    body: str
    error: str = ""

    @property
    def location(self) -> str:
        return urlsplit(self.headers.get("location", "")).path


@dataclass
class Browser:
    """``address`` is where to connect: the load balancer (TLS, port 443) or
    a web host itself (plain HTTP on 8000, with the X-Forwarded-Proto the
    load balancer would add, since the portal's cookies and CSRF checks are
    for HTTPS)."""

    address: str
    port: int = 443
    tls: bool = True
    timeout: float = 60.0
    cookies: dict[str, str] = field(default_factory=dict)

    def _connection(self) -> http.client.HTTPConnection:
        if self.tls:
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE  # the cluster's self-signed certificate
            return http.client.HTTPSConnection(self.address, self.port, timeout=self.timeout, context=context)
        return http.client.HTTPConnection(self.address, self.port, timeout=self.timeout)

    def request(
        self,
        method: str,
        path: str,
        *,
        form: dict[str, str] | None = None,
        json_body: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> Reply:
        headers = {"Host": HOST_NAME, "User-Agent": "portal-cluster-test", "Accept": "text/html,application/json"}
        headers.update(extra_headers or {})
        if not self.tls:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body: bytes | None = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json_body.encode()
            headers["Content-Type"] = "application/json"
        if method != "GET":
            headers["Origin"] = ORIGIN
            headers["Referer"] = ORIGIN + path
        connection = self._connection()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for cookie in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(cookie).items():
                    if "1970" in morsel["expires"] or morsel["max-age"] == "0":  # a deleted cookie
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, text)
        except (OSError, http.client.HTTPException) as exc:  # refused, reset, timed out, cut short
            return Reply(0, {}, "", error=f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> Reply:
        """GET the page for its CSRF token, then POST the form to it."""
        page = self.get(path)
        if page.status != 200:
            return page
        token = CSRF_INPUT.search(page.body)
        return self.request("POST", path, form={**fields, "csrfmiddlewaretoken": token.group(1) if token else ""})

    def log_in(self, email: str, password: str) -> Reply:
        """The login form; a 302 to the home page (or to the code step) on success."""
        return self.post_form("/accounts/login/", {"login": email, "password": password})
