"""The audit trail's one writer: every service records its change here."""

from __future__ import annotations

from typing import Any

from accounts.models import AuditAction, AuditEvent, User


def audit_record(*, actor: User | None, action: AuditAction, target: Any, **details: Any) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        details=details,
    )
