"""``manage.py worker_alive``: the worker role's health check (a container
HEALTHCHECK, a systemd timer). Exit 0 when this host's Celery worker answers
a ping through the broker within the timeout, 1 otherwise.

A ping, not a file the worker touches: it proves what a worker is for, that
it takes messages from the broker this host is configured with. A worker
that lost the broker and never got it back (a failover it did not follow)
touches files happily and delivers nothing; this check fails it. The ping
is answered by the worker's main process, so a pool busy with a long batch
still answers. While the broker itself is down every worker fails the check:
give the health check a few retries (3 x 30 s), and a worker restarted then
loses nothing (tasks are acknowledged late, reminders are leased).
"""

from __future__ import annotations

import socket
from typing import Any

from celery import current_app
from django.core.management.base import BaseCommand, CommandError, CommandParser


def node_name(pattern: str) -> str:
    """Celery's node name for ``pattern``, with %h as the worker's --hostname expands it."""
    return pattern.replace("%h", socket.gethostname())


class Command(BaseCommand):
    help = "Exit 0 if this host's Celery worker answers a ping, 1 if not."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--name",
            default="celery@%h",
            help="the worker's node name, as given to `celery worker --hostname` (default celery@%%h: this host)",
        )
        parser.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for the answer (default 2)")

    def handle(self, *args: Any, name: str, timeout: float, **options: Any) -> None:
        node = node_name(name)
        try:
            replies = current_app.control.ping(destination=[node], timeout=timeout)
        except Exception as exc:  # the broker is unreachable: no answer either
            raise CommandError(f"{node}: no answer (broker: {type(exc).__name__})", returncode=1) from exc
        if not any(node in reply for reply in replies):
            raise CommandError(f"{node}: no answer within {timeout:g} s", returncode=1)
        self.stdout.write(f"{node}: alive")
