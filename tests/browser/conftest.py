"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium must be at /usr/bin/chromium (scripts/test.sh installs it); a missing
browser fails the tests rather than skipping them. Screenshots are written to
test-artifacts/screenshots/ (gitignored).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test starts Chromium and a live server: ``slow``."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.slow)


SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run ./scripts/test.sh, or apt-get install chromium")
    # Playwright's sync API keeps an event loop running in the main thread, and
    # Django refuses database calls from there unless told it is safe.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                # While Playwright's loop runs, Django's connection handler (an
                # asgiref Local) keeps the main thread's connections apart from
                # the ones the test database was set up with, so pytest-django's
                # teardown would not close them and could not drop the database.
                # Close them while they are still reachable.
                connections.close_all()
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def screenshots_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


class RecordingPage:
    """A page in a fresh browser context that records every URL it requests."""

    def __init__(self, browser: Browser, width: int, height: int) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page: Page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

    def log_in(self, user, base_url: str) -> None:
        """Give the browser a session for ``user`` (logging in through the
        pages, the staff's TOTP step included, has its own tests)."""
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base_url}])

    def foreign_requests(self, base_url: str) -> list[str]:
        """Requests to anywhere but base_url's host and port (data: and blob: URLs are local)."""
        ours = urlsplit(base_url).netloc
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != ours
        ]


@pytest.fixture
def open_page(browser: Browser, transactional_db, live_server) -> Iterator:
    """open_page(width, height) -> a RecordingPage; its context closes after the test."""
    opened: list[RecordingPage] = []

    def _open(width: int = 1280, height: int = 800) -> RecordingPage:
        recording = RecordingPage(browser, width, height)
        recording.page.set_default_timeout(15_000)
        opened.append(recording)
        return recording

    yield _open
    for recording in opened:
        recording.context.close()
