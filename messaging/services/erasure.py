"""Erasing a closed couple's conversations once the practice's retention
period has run out (called by retention.services only, inside its
transaction, which has checked the period and writes the audit row)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import Couple, CoupleStatus
from messaging import attachments
from messaging.models import Attachment, Message, MessageRevision, Thread


def couple_messages_erase(*, couple: Couple) -> dict[str, int]:
    """Every message's text (shown as deleted from then on), the earlier
    texts kept for the audit, the subjects, the attachments (rows now, files
    once the transaction commits: a rollback leaves them). What stays: the
    threads and messages as rows with their authors and times. Returns how
    many of each were erased. Refuses a couple that is not closed."""
    if couple.status != CoupleStatus.CLOSED:
        raise ValueError(f"Couple {couple.pk} is not closed: its messages are not erased.")
    now = timezone.now()
    threads = Thread.objects.filter(couple=couple)
    messages = Message.objects.filter(thread__in=threads)
    files = list(Attachment.objects.filter(message__in=messages).values_list("file", flat=True))
    attachment_rows, _ = Attachment.objects.filter(message__in=messages).delete()
    revisions, _ = MessageRevision.objects.filter(message__in=messages).delete()
    texts = messages.update(body="", body_html="")
    messages.filter(deleted_at__isnull=True).update(deleted_at=now)
    threads.update(subject="")
    transaction.on_commit(lambda: attachments.discard(files))
    return {"messages": texts, "message_revisions": revisions, "attachments": attachment_rows}
