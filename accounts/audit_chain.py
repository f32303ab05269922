"""The audit trail's hash chain: every AuditEvent row carries ``sequence``
(1, 2, 3... with no gap) and ``row_hash``, the SHA-256 of the row's content
and of the previous row's ``row_hash``. Changing, deleting or slipping in a
row breaks the chain from that row on; ``manage.py audit_verify`` walks it.

A row's content, hashed (``canonical_row``): a compact JSON array of the
previous row's hash, the sequence, the actor's id (or null), the action, the
target's type and id, the details (keys sorted, integral floats written as
integers, so that what PostgreSQL's jsonb gives back hashes the same) and
the creation time in UTC (``2026-12-06T11:23:44.123456Z``). The first row's
previous hash is 64 zeros. Change none of this: rows already written would
no longer verify.

Writers are serialized: on PostgreSQL a transaction-level advisory lock is
taken and the chain's head read in the same round trip (two statements in
one simple query; the read runs after the lock is granted, in READ
COMMITTED with a snapshot of its own, so it sees the head the previous
writer committed). The lock is held until the writer's transaction ends, so
two transactions never chain onto the same head, and one that rolls back
leaves no gap. SQLite serializes writers itself (one writer at a time), so
there only the head is read; the unique ``sequence`` refuses a fork in any
case. Under REPEATABLE READ or SERIALIZABLE a writer that waited would read
a stale head and fail on that unique constraint rather than fork.

Rows are only ever added: the queryset and the model refuse update and
delete (``AuditEventImmutable``) and on PostgreSQL triggers refuse UPDATE
and DELETE (migration 0011); TRUNCATE, which empties test databases, is
not refused."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connections, models, transaction

GENESIS_HASH = "0" * 64


class AuditEventImmutable(RuntimeError):
    """An audit row was asked to change or go: they never do."""

    def __init__(self) -> None:
        super().__init__("Audit rows are never changed or deleted; record a new one instead.")


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def canonical_row(
    *,
    prev_hash: str,
    sequence: int,
    actor_id: int | None,
    action: str,
    target_type: str,
    target_id: str,
    details: Any,
    created_at: datetime,
) -> bytes:
    moment = created_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    content = [prev_hash, sequence, actor_id, str(action), target_type, str(target_id), _canonical(details), moment]
    return json.dumps(content, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def row_hash(**content: Any) -> str:
    """The hex SHA-256 of ``canonical_row(**content)``."""
    return hashlib.sha256(canonical_row(**content)).hexdigest()


def _event_hash(event: Any, prev_hash: str) -> str:
    return row_hash(
        prev_hash=prev_hash,
        sequence=event.sequence,
        actor_id=event.actor_id,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        details=event.details,
        created_at=event.created_at,
    )


_HEAD = "SELECT sequence, row_hash FROM accounts_auditevent WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1"
# Two statements, one round trip: the head is read once the lock is granted.
# The lock's key is "auditcha" as a bigint (0x6175646974636861), used nowhere else.
_LOCK_THEN_HEAD = "SELECT pg_advisory_xact_lock(7022629598041172065); " + _HEAD
_UPDATE = "UPDATE accounts_auditevent SET sequence = %s, row_hash = %s WHERE id = %s"
# A batch in one statement on PostgreSQL (1,000,000 rows: 187 s one by one).
_UPDATE_BATCH = (
    "UPDATE accounts_auditevent a SET sequence = v.sequence, row_hash = v.row_hash"
    " FROM unnest(%s::bigint[], %s::text[], %s::bigint[]) AS v(sequence, row_hash, id) WHERE a.id = v.id"
)


def chain_head(using: str) -> tuple[int, str]:
    """The last row's sequence and hash, with the writers' lock taken on
    PostgreSQL (held until the transaction ends); (0, 64 zeros) when empty."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_LOCK_THEN_HEAD)
            cursor.nextset()
        else:
            cursor.execute(_HEAD)
        row = cursor.fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS_HASH)


def chain(events: Sequence[Any], *, using: str) -> None:
    """Give new rows their sequences and hashes, after the chain's head.
    Must run inside the transaction that inserts them."""
    if not events:
        return
    if not connections[using].in_atomic_block:
        raise RuntimeError("Audit rows are chained inside the transaction that inserts them.")
    sequence, prev_hash = chain_head(using)
    for event in events:
        sequence += 1
        event.target_id = str(event.target_id)
        event.sequence = sequence
        event.row_hash = prev_hash = _event_hash(event, prev_hash)


class AuditEventQuerySet(models.QuerySet):
    """Inserts are chained; update and delete are refused."""

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        if kwargs.get("ignore_conflicts") or kwargs.get("update_conflicts"):
            raise AuditEventImmutable()  # a row skipped or updated would leave a gap or change a row
        events = list(objs)
        with transaction.atomic(using=self.db, savepoint=False):
            chain(events, using=self.db)
            return super().bulk_create(events, *args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        raise AuditEventImmutable()

    def _update(self, values: Any) -> Any:
        raise AuditEventImmutable()

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutable()

    def _raw_delete(self, using: Any) -> int:
        raise AuditEventImmutable()


@dataclass(frozen=True)
class ChainReport:
    rows: int
    head_sequence: int
    head_hash: str
    problem: str = ""

    @property
    def whole(self) -> bool:
        return not self.problem


_FIELDS = ("id", "sequence", "row_hash", "actor_id", "action", "target_type", "target_id", "details", "created_at")


def _rows(queryset: models.QuerySet, batch_size: int) -> Iterator[dict[str, Any]]:
    """Every row in sequence order, a batch at a time (keyset pages: memory
    stays constant however long the trail)."""
    after: int | None = None
    while True:
        page = queryset.order_by("sequence")
        if after is not None:
            page = page.filter(sequence__gt=after)
        batch = list(page.values(*_FIELDS)[:batch_size])
        yield from batch
        if len(batch) < batch_size:
            return
        after = batch[-1]["sequence"]


def verify(queryset: models.QuerySet, *, batch_size: int = 5000, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk the chain from its first row; stop at the first row that breaks
    it. ``anchor``: a (sequence, hash) recorded earlier, which must still be
    in the chain (a rewrite of the whole chain from before it, or rows cut
    off the end, shows there)."""
    count, prev_sequence, prev_hash, prev_id = 0, 0, GENESIS_HASH, None
    for row in _rows(queryset, batch_size):
        sequence, row_id = row["sequence"], row["id"]
        named = f"row id {row_id} (sequence {sequence})"
        if sequence <= prev_sequence:
            return ChainReport(count, prev_sequence, prev_hash, f"{named} is before the chain's first row: inserted.")
        if sequence != prev_sequence + 1:
            missing = f"{prev_sequence + 1}" if sequence == prev_sequence + 2 else f"{prev_sequence + 1}-{sequence - 1}"
            after = f"after row id {prev_id} (sequence {prev_sequence})" if prev_id is not None else "at the start"
            problem = f"sequence {missing} missing {after}, before {named}: deleted."
            return ChainReport(count, prev_sequence, prev_hash, problem)
        expected = row_hash(prev_hash=prev_hash, **{key: row[key] for key in _FIELDS[3:]}, sequence=sequence)
        if expected != row["row_hash"]:
            problem = f"{named} does not match its hash: changed, or inserted out of place"
            if prev_id is not None:
                problem += f" (or row id {prev_id}, sequence {prev_sequence}, rewritten with a new hash)"
            return ChainReport(count, prev_sequence, prev_hash, problem + ".")
        if anchor is not None and sequence == anchor[0] and row["row_hash"] != anchor[1]:
            return ChainReport(count, prev_sequence, prev_hash, f"{named} is not the anchored row: chain rewritten.")
        count, prev_sequence, prev_hash, prev_id = count + 1, sequence, row["row_hash"], row_id
    if anchor is not None and anchor[0] > prev_sequence:
        problem = f"the chain ends at sequence {prev_sequence}, before the anchored sequence {anchor[0]}: rows deleted."
        return ChainReport(count, prev_sequence, prev_hash, problem)
    return ChainReport(count, prev_sequence, prev_hash)


def chain_existing(model: type[models.Model], *, using: str, batch_size: int = 5000) -> int:
    """Chain the rows written without a place in the chain (``sequence``
    null) after its head, in (created_at, id) order; how many. Run by
    migration 0011 for the rows written before the chain existed, and by
    0012 for any that code not yet upgraded wrote in between (``model`` their
    historical AuditEvent), before the triggers exist."""
    connection = connections[using]
    sequence, prev_hash = chain_head(using)
    pending = model._default_manager.using(using).filter(sequence__isnull=True)
    fields = ("id", "actor_id", "action", "target_type", "target_id", "details", "created_at")
    count = 0
    after: tuple[datetime, int] | None = None
    while True:
        page = pending.order_by("created_at", "id")
        if after is not None:
            # created_at >= ... lets the created_at index find the page (the OR alone does not).
            page = page.filter(created_at__gte=after[0]).filter(
                models.Q(created_at__gt=after[0]) | models.Q(created_at=after[0], id__gt=after[1])
            )
        batch = list(page.values(*fields)[:batch_size])
        updates = []
        for row in batch:
            sequence += 1
            content = {key: row[key] for key in fields[1:]}
            prev_hash = row_hash(prev_hash=prev_hash, sequence=sequence, **content)
            updates.append((sequence, prev_hash, row["id"]))
        if updates:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute(_UPDATE_BATCH, [list(column) for column in zip(*updates, strict=True)])
                else:
                    cursor.executemany(_UPDATE, updates)
            connection.queries_log.clear()  # with DEBUG on, each batch's SQL would be kept
        count += len(batch)
        if len(batch) < batch_size:
            return count
        after = (batch[-1]["created_at"], batch[-1]["id"])
