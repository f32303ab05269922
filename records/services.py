"""Exporting a person's record: the one change is the audit.

Every export writes a ``RECORD_EXPORTED`` row naming the subject (ids and
counts only, never content), the client's own download included. An export
by staff also counts as their reading of what it holds, so each app's own
audit of staff reads is written as well (answers: RESPONSE_VIEWED,
conversations: THREAD_VIEWED, signatures: SIGNATURE_VIEWED), one insert each.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditAction, User
from accounts.services import audit_record
from exercises import services as exercise_services
from intake import services as intake_services
from messaging import services as messaging_services
from records import selectors
from records.document import record_document

ExportFormat = Literal["json", "pdf", "api"]


@transaction.atomic
def record_export(
    *, actor: User, subject: User, export_format: ExportFormat, now: datetime | None = None
) -> dict[str, Any]:
    """``subject``'s record as ``actor`` may export it (Http404 if not at all), audited."""
    record = selectors.record_of(actor=actor, subject=subject)
    now = now or timezone.now()
    own = actor.pk == subject.pk
    audit_record(
        actor=actor,
        action=AuditAction.RECORD_EXPORTED,
        target=subject,
        format=export_format,
        by="client" if own else "staff",
        couples=record.couple_ids,
        answers=len(record.responses),
        conversations=len(record.threads),
        signatures=len(record.signatures),
    )
    if not own:
        view = f"record-{export_format}"
        exercise_services.responses_record_access(viewer=actor, responses=record.responses)
        messaging_services.threads_record_access(viewer=actor, threads=record.threads, view=view)
        intake_services.signatures_record_access(viewer=actor, signatures=record.signatures, view=view)
    return record_document(record, generated_at=now)
