"""E-mail backends that fail on purpose, for delivery tests."""

from __future__ import annotations

import smtplib
import time
from typing import ClassVar

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class ScriptedBackend(LocmemBackend):
    """Locmem, but raises the next exception of ``script`` (class-level, set
    by the test) for each message until the script runs out. Counts opens."""

    script: ClassVar[list[BaseException | None]] = []
    opened: ClassVar[int] = 0

    def open(self) -> bool:
        type(self).opened += 1
        return True

    def send_messages(self, messages):
        sent = 0
        for message in messages:
            if type(self).script:
                error = type(self).script.pop(0)
                if error is not None:
                    raise error
            sent += super().send_messages([message])
        return sent


def disconnected() -> BaseException:
    return smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def greylisted() -> BaseException:
    return smtplib.SMTPDataError(451, b"4.7.1 Try again later")


def refused() -> BaseException:
    return smtplib.SMTPRecipientsRefused({"x@example.test": (550, b"5.1.1 No such user")})


class SlowSweepingBackend(LocmemBackend):
    """Locmem, each message taking ``pause`` seconds; when message number
    ``sweep_at`` goes, the sweep runs (as beat would, mid-batch) and what it
    hands out again is kept in ``reissued``."""

    pause: ClassVar[float] = 0.15
    sweep_at: ClassVar[int] = 0
    reissued: ClassVar[list[int]] = []

    def send_messages(self, messages):
        from notifications import services

        for message in messages:
            time.sleep(type(self).pause)
            if len(mail.outbox) + 1 == type(self).sweep_at:
                type(self).reissued = services.reminders_sweep().reissued
            super().send_messages([message])
        return len(messages)
