"""Database tricks the reminder services use for speed, kept apart from the
business rules (notifications.services), with the measurements that pay for
each. Figures are from ``bench/reminders.py`` on the 2-core development
machine (README, Performance): 100,000 due reminders swept, 20,000 e-mails
delivered by two Celery workers to a local SMTP sink.

- ``CLAIM_SQL`` / ``claim``: the sweep claims a batch in one statement,
  ``UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING``.
  It used to lock the rows with a SELECT and then update them by id, which
  wrote each row twice over three round trips, a third of the sweep's time:
  the sweep of 100k went from ~3.3 s to ~2.1 s, and from about 2.1 to about
  1.6 times its floor (one bare ``UPDATE ... RETURNING`` over the same rows:
  1.68 s against 1.09 s). The ORM compiles the subquery (what is due is the
  selectors' to say) but cannot write UPDATE ... RETURNING.
- ``lock_skipping``: SELECT ... FOR UPDATE SKIP LOCKED, so that two sweeps
  (two beat processes by mistake), or two delivery tasks given the same
  ids, take disjoint rows without waiting for each other
  (tests/notifications/test_concurrent_sweeps.py).
- ``FINISH_SQL`` / ``finish``: each e-mail's record is one conditional
  UPDATE written in SQL, because it runs once per e-mail, where the ORM's
  compiling it cost more than the database's running it.
- ``records_cursor``: that UPDATE goes through one cursor per batch (not one
  per e-mail) whose parameters PostgreSQL binds, so psycopg prepares it
  after ``prepare_threshold`` runs (settings: DB_PREPARE_THRESHOLD, default
  5; ``off`` for a pooler without prepared statements). Django's cursors put
  the values into the SQL text, which PostgreSQL parsed and planned afresh
  for every e-mail: 0.07 ms of the 0.26 ms each record cost. A test checks
  that the statement is prepared once.
- ``asynchronous_commit``: delivery's records commit without waiting for
  the disk (synchronous_commit off): the wait it saves is a quarter of an
  e-mail's cost. What it risks: a database crash (not a restart) may forget
  the last fraction of a second of records, and those reminders are sent
  again with the same Message-ID, like the one in flight when a worker dies.

With these (and the rest listed in the README) delivery runs at about 0.65
of a plain smtplib loop over the same bytes (777 against 1,144 messages/s;
PostgreSQL 0.35 ms of CPU per message). Tried and not kept: sending the
record without waiting for its answer (no faster), and building the next
message in a second thread while the current one travels (620-683 against
671-734 messages/s without it).

Elsewhere than PostgreSQL (SQLite in a quick local run) each helper falls
back to what Django does by default.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import psycopg
from django.db import DatabaseError, connection
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import QuerySet

from notifications.models import Reminder, ReminderState

logger = logging.getLogger(__name__)


def lock_skipping(queryset: QuerySet[Reminder]) -> QuerySet[Reminder]:
    """FOR UPDATE SKIP LOCKED where the database has it (PostgreSQL): two
    sweeps (two beat processes by mistake) then claim disjoint rows without
    waiting for each other. Elsewhere a plain FOR UPDATE (SQLite ignores it
    and serialises writers anyway)."""
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True)
    return queryset.select_for_update()


# --- The sweep's claim ---------------------------------------------------------------------

# One statement per batch: lock due rows (skipping those another sweep
# holds), cancel the stale ones, lease out the rest. Locking with a SELECT
# and then updating by id wrote each row twice and took three round trips,
# a third of the sweep's time. The ORM compiles the subquery (what is due
# is the selectors' to say); it cannot write UPDATE ... RETURNING.
CLAIM_SQL = (
    "UPDATE notifications_reminder SET"
    " state = CASE WHEN expires_at <= %s THEN %s ELSE %s END,"
    " lease_owner = '',"
    " lease_expires_at = CASE WHEN expires_at <= %s THEN NULL ELSE %s END,"
    " last_error = CASE WHEN expires_at <= %s THEN %s ELSE last_error END,"
    " updated_at = %s"
    " WHERE id IN ({locked}) RETURNING id, state"
)


def claim(
    queryset: QuerySet[Reminder], *, limit: int, now: datetime, lease_until: datetime, stale_error: str
) -> list[tuple[int, str]]:
    """CLAIM_SQL over the first ``limit`` rows of ``queryset`` that no one
    else holds: those whose ``expires_at`` has passed become cancelled with
    ``stale_error``, the rest sending, leased until ``lease_until``. Returns
    (id, new state) for each. Call inside a transaction."""
    locked, locked_params = lock_skipping(queryset).values("pk")[:limit].query.sql_with_params()
    at, until = (
        connection.ops.adapt_datetimefield_value(now),
        connection.ops.adapt_datetimefield_value(lease_until),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            CLAIM_SQL.format(locked=locked),
            [at, ReminderState.CANCELLED, ReminderState.SENDING, at, until, at, stale_error, at, *locked_params],
        )
        return cursor.fetchall()


# --- Delivery's records --------------------------------------------------------------------

FINISH_SQL = (
    "UPDATE notifications_reminder SET state = %s, sent_at = %s, emailed = %s, last_error = %s,"
    " lease_owner = %s, lease_expires_at = %s, updated_at = %s WHERE id = %s AND state = %s AND lease_owner = %s"
)
FINISH_COLUMNS = ("state", "sent_at", "emailed", "last_error", "lease_owner", "lease_expires_at", "updated_at")


def finish(cursor: CursorWrapper, *, reminder_id: int, owner: str, outcome: dict[str, Any]) -> bool:
    """FINISH_SQL: write ``outcome`` (a value for each of FINISH_COLUMNS) if
    the reminder is still sending and held by ``owner``. True if it was."""
    cursor.execute(
        FINISH_SQL, [*(outcome[column] for column in FINISH_COLUMNS), reminder_id, ReminderState.SENDING, owner]
    )
    return cursor.rowcount == 1


def records_cursor() -> CursorWrapper:
    """The cursor a batch records its e-mails with (see finish). On
    PostgreSQL one that binds parameters on the server, which lets psycopg
    prepare the statement (settings: prepare_threshold). Django's own
    cursors put the values into the SQL text, which PostgreSQL then parses
    and plans afresh each time: a third of the database's work for each
    e-mail's record."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    # Wrapped as Django wraps its own: errors as Django's, queries logged when counted.
    wrapper = CursorDebugWrapper if connection.queries_logged else CursorWrapper
    return wrapper(raw, connection)


@contextmanager
def asynchronous_commit() -> Iterator[None]:
    """On PostgreSQL, the delivery's records commit without waiting for the
    disk: a database crash (not a restart) may forget the last fraction of a
    second of them, and those reminders are then sent again with the same
    Message-ID, like the one in flight when a worker dies. The wait it saves
    is a quarter of an e-mail's cost."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        except DatabaseError:  # the connection is gone, and the setting with it
            logger.debug("could not reset synchronous_commit", exc_info=True)
