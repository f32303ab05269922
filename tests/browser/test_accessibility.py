"""Every page of the portal, checked with axe-core for each role at 375 and 1280 px.

The routes are read from the URL resolver (tests/routes.py), so a page added
tomorrow is checked without anyone remembering to. Each route's URL kwargs
are filled with real objects of the demo practice (config/demo.py: couples,
exercises with answers, appointments, threads, an intake packet, documents),
chosen for the role walking it. A route that does not answer that role with
an HTML page (JSON, a download, a redirect elsewhere, 403/404/405) is skipped
for that role; a route that no role sees as a page fails the test unless it
is on the reasoned list of exclusions below.

axe-core is vendored in tests/browser/vendor/ (see its README).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page

from tests.page_walk import EXCLUDED_NAMES, EXCLUDED_PREFIXES, client_for, demo_personas, is_page, path_for
from tests.routes import all_routes

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WIDTHS = (375, 1280)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _contexts(browser: Browser, live_server, client: Client) -> list[tuple[int, BrowserContext, Page]]:
    opened = []
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        if cookie is not None:
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
        # axe goes in as an init script, through the DevTools protocol: the CSP
        # (scripts from our static files only) refuses page.add_script_tag()'s
        # inline script, and bypassing the CSP would let blocked inline styles
        # change what axe sees. Sent once per context, not once per page.
        context.add_init_script(script=AXE_SOURCE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        opened.append((width, context, page))
    return opened


AXE_RUN = r"""options => axe.run(document, options).then(results => results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
    count: v.nodes.length,
    summary: v.nodes[0].failureSummary.replace(/\s+/g, ' '),
})))"""


def _axe_violations(page: Page) -> list[dict]:
    return page.evaluate(AXE_RUN, {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})


def test_every_page_passes_axe_for_every_role_on_a_phone_and_a_desktop(
    browser, live_server, transactional_db, settings
):
    # The walk of one role outlasts allauth's 5 minutes of a fresh password.
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 3600
    started = time.monotonic()
    routes, problems = all_routes()
    assert not problems, problems
    walked = [r for r in routes if not r.path.startswith(tuple(EXCLUDED_PREFIXES))]
    unknown = set(EXCLUDED_NAMES) - {r.name for r in walked}
    assert not unknown, f"excluded names that no longer exist: {sorted(unknown)}"
    candidates = [r for r in walked if r.name not in EXCLUDED_NAMES]
    # A11Y_ROUTES=calendar,office_list walks only those (while fixing a page); the
    # check that every page was visited is then skipped.
    only = {name for name in os.environ.get("A11Y_ROUTES", "").split(",") if name}
    if only:
        candidates = [r for r in candidates if r.name in only]

    visited: set[str] = set()
    failures: list[str] = []
    checks = 0
    personas = demo_personas()
    seeded = time.monotonic()
    for persona in personas:
        client = client_for(persona.user)
        pages = []
        for route in candidates:
            path = path_for(route, persona)
            if path is not None and is_page(client, path):
                pages.append((route, path))
        print(f"\n{persona.label}: {len(pages)} pages, found in {time.monotonic() - seeded:.0f} s")
        opened = _contexts(browser, live_server, client)
        try:
            for route, path in pages:
                for width, _context, page in opened:
                    response = page.goto(live_server.url + path, wait_until="load")
                    landed = page.url.removeprefix(live_server.url)
                    if response is None or response.status != 200 or landed.split("?")[0] != path.split("?")[0]:
                        continue  # the browser's visit did not end on this page (e.g. a one-time step)
                    visited.add(route.pattern)
                    checks += 1
                    for violation in _axe_violations(page):
                        failures.append(
                            f"{persona.label} {width}px {path} ({route.name}): {violation['id']} "
                            f"[{violation['impact']}] {violation['help']} x{violation['count']}: "
                            + " | ".join(violation["targets"])
                            + f" ({violation['summary']})"
                        )
        finally:
            for _width, context, _page in opened:
                context.close()

    elapsed = time.monotonic() - started
    print(f"\naxe walk: {checks} page checks in {elapsed:.0f} s (demo practice built in {seeded - started:.0f} s)")
    never = [] if only else sorted(f"{r.pattern} ({r.name})" for r in candidates if r.pattern not in visited)
    report = []
    if never:
        report.append(
            "Routes no role saw as a page: give them real objects in demo_personas(), or exclude them "
            "with a reason in EXCLUDED_NAMES:\n" + "\n".join(never)
        )
    if failures:
        report.append(f"{len(failures)} axe violations:\n" + "\n".join(failures))
    assert not report, "\n\n".join(report)
