"""The audit trail's one writer: every service records its change here.

Each row is chained to the one before it in the transaction that inserts it
(accounts.audit_chain: on PostgreSQL the chain's lock is taken then, and
held until the caller's transaction ends); rows are never changed or
deleted."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent, User


def audit_record(*, actor: User | None, action: AuditAction, target: Any, **details: Any) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        details=details,
    )


def audit_record_many(
    *, actor: User | None, action: AuditAction, targets: Iterable[tuple[models.Model, dict[str, Any]]]
) -> int:
    """Many rows of one action in one insert (staff reading a list: each
    signature, each thread), each with its target and details (ids only);
    how many were written."""
    now = timezone.now()
    events = [
        AuditEvent(
            actor=actor if actor is not None and actor.is_authenticated else None,
            action=action,
            target_type=target._meta.label_lower,
            target_id=str(target.pk),
            details=details,
            created_at=now,
        )
        for target, details in targets
    ]
    if events:
        AuditEvent.objects.bulk_create(events)
    return len(events)
