"""In Chromium, under the real Content-Security-Policy: the main pages of each
persona and the API docs render without the browser refusing anything."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from tests.progress.generate import generate

pytestmark = pytest.mark.browser

# Recorded by the page itself, so a violation the console does not show is caught too.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"}`);
});
"""


def _watched(open_page, live_server, user=None):
    recording = open_page(1280, 900)
    if user is not None:
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        recording.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
        )
    page = recording.page
    page.add_init_script(RECORD_VIOLATIONS)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return page, errors


def _violations_on(page, errors, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    found = [f"{url}: {v}" for v in page.evaluate("window.__cspViolations")]
    found += [f"{url}: {e}" for e in errors if "Content Security Policy" in e]
    errors.clear()
    return found


def _main_pages(page, live_server) -> list[str]:
    """Home and every link of the main navigation."""
    page.goto(f"{live_server.url}/")
    links = page.eval_on_selector_all(".site-nav a[href]", "links => links.map(a => a.href)")
    return [page.url, *dict.fromkeys(links)]


@pytest.mark.parametrize("persona", ["partner", "counselor", "practice_admin"])
def test_the_main_pages_of_each_persona_log_no_csp_violation(persona, request, open_page, live_server):
    user = request.getfixturevalue(persona)
    extra: list[str] = []
    if persona == "counselor":
        from progress.builtin import install_builtin_measures

        install_builtin_measures()  # the live server's database is flushed between tests
        couple = generate(user, 1, now=timezone.now(), seed=5)[0]
        extra = [f"{live_server.url}/couples/{couple.pk}/progress/"]  # the chart and the completion bars
    page, errors = _watched(open_page, live_server, user)
    pages = _main_pages(page, live_server) + extra
    assert len(pages) > 2
    violations = [v for url in pages for v in _violations_on(page, errors, url)]
    assert not violations, "\n".join(violations)


def test_the_api_docs_render_under_the_policy(open_page, live_server):
    page, errors = _watched(open_page, live_server)
    violations = _violations_on(page, errors, f"{live_server.url}/api/docs/")
    assert not violations, "\n".join(violations)
    assert page.locator(".swagger-ui .opblock").count() > 10  # the operations were drawn from the schema
