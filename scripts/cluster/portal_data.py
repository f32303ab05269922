"""The test's own look at the portal's data: Django, set up in this process
with the migrate role's environment (straight to PostgreSQL, so a PgBouncer
restart does not blind the test), makes due reminders in bulk
(tests/notifications/bulk.py) and reads their states and in-app notices;
the SMTP sink's file says which Message-IDs arrived and how often."""

from __future__ import annotations

import os
import re
import time
from collections import Counter
from dataclasses import dataclass

from cluster.deploy_files import role_env
from cluster.hosts import WORK

MESSAGE_ID = re.compile(r"<reminder\.(\d+)\.[a-z_]+@")


def setup_django() -> None:
    os.environ.update(role_env("migrate"))
    import django

    django.setup()


def demo_counselor_id(email: str) -> int:
    from accounts.models import User

    return User.objects.get(email=email).pk


def make_due_reminders(count: int) -> list[int]:
    """``count`` reminders due a minute ago (an even number, for couples of
    new partners), for the beat's next sweep to hand out."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from exercises.models import ExerciseTemplate
    from tests.notifications import bulk

    counselor = User.objects.filter(role=Role.COUNSELOR).order_by("pk").first()
    template = ExerciseTemplate.objects.filter(owner__isnull=True).order_by("pk").first()
    assert counselor is not None and template is not None, "load_demo made counselors and built-in exercises"
    couples = max(1, count // 100)
    # One transaction: beat's planner must not see the occurrences before
    # their reminders (it would plan the same reminders itself).
    with transaction.atomic():
        return bulk.due_reminders(
            couples=couples,
            per_partner=count // (2 * couples),
            counselor=counselor,
            template=template,
            now=timezone.now(),
        )


@dataclass(frozen=True)
class Delivery:
    sent: int
    waiting: int  # pending or sending
    other: int  # failed or cancelled

    @property
    def done(self) -> bool:
        return self.waiting == 0


def delivery(ids: list[int]) -> Delivery:
    from notifications.models import Reminder, ReminderState

    states = Counter(Reminder.objects.filter(pk__in=ids).values_list("state", flat=True))
    waiting = states[ReminderState.PENDING] + states[ReminderState.SENDING]
    return Delivery(
        sent=states[ReminderState.SENT], waiting=waiting, other=sum(states.values()) - states["sent"] - waiting
    )


def wait_delivered(ids: list[int], *, timeout: float) -> tuple[float | None, Delivery]:
    """Seconds until none of ``ids`` is pending or sending (None: not within
    ``timeout``), and the states then."""
    began = time.monotonic()
    while True:
        state = delivery(ids)
        if state.done:
            return time.monotonic() - began, state
        if time.monotonic() - began > timeout:
            return None, state
        time.sleep(1)


def notices(ids: list[int]) -> tuple[int, int]:
    """(in-app notices of these reminders, reminders with a notice)."""
    from notifications.models import InAppNotification

    rows = InAppNotification.objects.filter(reminder__in=ids)
    return rows.count(), rows.values("reminder").distinct().count()


def sink_counts() -> Counter[int]:
    """How many e-mails of each reminder (by its Message-ID) the sink took."""
    counts: Counter[int] = Counter()
    path = WORK / "mail" / "message-ids.txt"
    if path.exists():
        for line in path.read_text().splitlines():
            found = MESSAGE_ID.match(line)
            if found:
                counts[int(found.group(1))] += 1
    return counts


@dataclass(frozen=True)
class Mail:
    missing: int  # reminders with no e-mail
    duplicated: int  # reminders with more than one

    def __str__(self) -> str:
        return f"{self.missing} missing, {self.duplicated} duplicated"


def mail_of(ids: list[int]) -> Mail:
    counts = sink_counts()
    return Mail(missing=sum(1 for pk in ids if counts[pk] == 0), duplicated=sum(1 for pk in ids if counts[pk] > 1))


def wait_mail(ids: list[int], *, timeout: float = 10) -> Mail:
    """The sink's count once every reminder's e-mail is in (the last ones
    may still be on their way when the rows say sent), or after ``timeout``."""
    deadline = time.monotonic() + timeout
    while (mail := mail_of(ids)).missing and time.monotonic() < deadline:
        time.sleep(0.5)
    return mail
