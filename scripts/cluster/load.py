"""Simulated users, each a thread, through the load balancer: partners who
log in and open their home page and their exercises, and a counselor who
logs in with a two-factor code and opens the dashboard and the couples.
Every request is recorded (start, end, status), so a scenario can ask what
failed in a window of time and whether the failures were clean 503s."""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from cluster.browser import Browser, Reply

OCCURRENCE_LINK = re.compile(r'href="(/exercises/occurrences/\d+/)"')
CALM_WORDS = "Back in a moment"  # templates/503.html and deploy/haproxy/503.http


@dataclass(frozen=True)
class Hit:
    user: str
    what: str
    started: float
    ended: float
    status: int
    error: str = ""
    retry_after: str = ""
    calm: bool = False

    @property
    def failed(self) -> bool:
        """No answer, a server error, or a signed-in user sent back to the login page."""
        return self.status == 0 or self.status >= 500 or self.error == "signed out"

    @property
    def clean_503(self) -> bool:
        return self.status == 503 and bool(self.retry_after) and self.calm


def totp_now(secret: str, *, avoid: set[int]) -> tuple[int, str]:
    """The current TOTP counter and code, waiting for a counter not in
    ``avoid`` (a code is refused the second time it is used) and not about
    to end."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    while True:
        now = time.time()
        counter = int(now // 30)
        if counter not in avoid and now % 30 < 26:
            return counter, format_hotp_value(hotp_value(secret, counter))
        time.sleep(0.5)


class Load:
    def __init__(self, address: str, password: str) -> None:
        self.address = address
        self.password = password
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.used_counters: set[int] = set()
        self.totp_lock = threading.Lock()

    # -- recording -------------------------------------------------------------------------
    def _record(self, user: str, what: str, started: float, reply: Reply, error: str = "") -> None:
        hit = Hit(
            user=user,
            what=what,
            started=started,
            ended=time.monotonic(),
            status=reply.status,
            error=error or reply.error,
            retry_after=reply.headers.get("retry-after", ""),
            calm=CALM_WORDS in reply.body,
        )
        with self.lock:
            self.hits.append(hit)

    def _timed(self, user: str, what: str, call: Callable[[], Reply]) -> Reply:
        started = time.monotonic()
        reply = call()
        signed_out = reply.status == 302 and reply.location.startswith("/accounts/login/") and what != "login"
        self._record(user, what, started, reply, "signed out" if signed_out else "")
        return reply

    def between(self, start: float, end: float) -> list[Hit]:
        """Requests that started in [start, end)."""
        with self.lock:
            return [hit for hit in self.hits if start <= hit.started < end]

    # -- users -----------------------------------------------------------------------------
    def _pause(self) -> None:
        self.stopping.wait(random.uniform(0.3, 0.8))

    def _partner(self, email: str) -> None:
        browser = Browser(self.address)
        pages: list[str] = []
        while not self.stopping.is_set():
            if not pages:
                reply = self._timed(email, "login", lambda: browser.log_in(email, self.password))
                if reply.status != 302:
                    self.stopping.wait(1)
                    continue
                home = self._timed(email, "/me/", lambda: browser.get("/me/"))
                if home.status == 200:
                    pages = ["/me/", *sorted(set(OCCURRENCE_LINK.findall(home.body)))[:3]]
                continue
            path = random.choice(pages)
            reply = self._timed(email, path, partial(browser.get, path))
            if reply.status == 302 and reply.location.startswith("/accounts/login/"):
                pages = []  # the session was lost (recorded as a failure): log in again
            self._pause()

    def counselor_login(self, browser: Browser, email: str, secret: str) -> Reply:
        """Password, then the current code; the reply to the code step (302 when in)."""
        first = browser.log_in(email, self.password)
        if first.status != 302 or "2fa" not in first.location:
            return first
        with self.totp_lock:
            counter, code = totp_now(secret, avoid=self.used_counters)
            self.used_counters.add(counter)
        return browser.post_form(first.location, {"code": code})

    def _counselor(self, email: str, secret: str) -> None:
        browser = Browser(self.address)
        signed_in = False
        while not self.stopping.is_set():
            if not signed_in:
                reply = self._timed(email, "login", lambda: self.counselor_login(browser, email, secret))
                signed_in = reply.status == 302 and not reply.location.startswith("/accounts/")
                if not signed_in:
                    self.stopping.wait(1)
                continue
            path = random.choice(["/dashboard/", "/couples/"])
            reply = self._timed(email, path, partial(browser.get, path))
            if reply.status == 302 and reply.location.startswith("/accounts/login/"):
                signed_in = False
            self._pause()

    def start(self, *, partners: list[str], counselor: str, totp_secret: str) -> None:
        for email in partners:
            self.threads.append(threading.Thread(target=self._partner, args=(email,), daemon=True))
        self.threads.append(threading.Thread(target=self._counselor, args=(counselor, totp_secret), daemon=True))
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join(70)
