"""Posting, editing and deleting messages.

A post checks everything (the thread in reach, the right to write, the
text, every file's type and size) before it writes anything; the files are
written last, inside the transaction, and removed again if anything after
them fails. An edit or a deletion, by the author within
policy.EDIT_WINDOW, keeps the earlier text in a MessageRevision.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, User
from accounts.services import audit_record
from messaging import attachments, signals
from messaging.models import Message, MessageRevision, RevisionReason, Thread
from messaging.services.common import clean_body, locked_thread
from portal import policy
from portal.errors import require

WINDOW_MINUTES = int(policy.EDIT_WINDOW.total_seconds() // 60)


def message_post(*, actor: User, thread: Thread, body: str, files: Sequence[Any] = ()) -> Message:
    """``actor`` writes ``body`` (Markdown), with ``files`` (uploaded files)
    attached, in ``thread``. The text may be empty when a file is attached.

    A file written to storage is removed again when the transaction fails
    here. If a caller wraps this in a transaction of its own that later rolls
    back, the files stay behind, unreferenced (no row points at them)."""
    files = list(files)
    written: list[str] = []
    try:
        with transaction.atomic():
            thread_row = locked_thread(actor, thread)
            require(policy.can_post(actor, thread_row), gettext("You cannot write in this conversation."))
            text = clean_body(body, required=not files)
            checked = attachments.check_uploads(files)
            now = timezone.now()
            message = Message.objects.create(thread=thread_row, author=actor, body=text, created_at=now)
            stored = [
                attachments.attachment_store(message=message, checked=upload, written=written) for upload in checked
            ]
            Thread.objects.filter(pk=thread_row.pk).update(last_message_at=now)
            audit_record(
                actor=actor,
                action=AuditAction.MESSAGE_POSTED,
                target=message,
                thread=thread_row.pk,
                couple=thread_row.couple_id,
                attachments=[a.pk for a in stored],
            )
            signals.message_posted.send(
                sender=Message, message_id=message.pk, thread_id=thread_row.pk, author_id=actor.pk, thread=thread_row
            )
    except BaseException:
        attachments.discard(written)
        raise
    thread.last_message_at = now
    return message


def _locked_message(actor: User, message: Message) -> Message:
    locked = (
        Message.objects.select_for_update(of=("self",)).select_related("thread__couple").filter(pk=message.pk).first()
    )
    if locked is None or not policy.can_view_thread(actor, locked.thread):
        raise Http404("No such message.")
    return locked


def _window_refusal() -> str:
    return gettext("A message can be changed by its author only, for %(minutes)d minutes after sending it.") % {
        "minutes": WINDOW_MINUTES
    }


@transaction.atomic
def message_edit(*, actor: User, message: Message, body: str, now: datetime | None = None) -> Message:
    """The author replaces the text of their message, within the window; the
    earlier text is kept (MessageRevision, reason "edited")."""
    now = now or timezone.now()
    locked = _locked_message(actor, message)
    require(policy.can_edit_message(actor, locked, now), _window_refusal())
    text = clean_body(body, required=not locked.attachments.exists())
    if text == locked.body:
        return locked
    return _replace_body(
        actor=actor, message=locked, body=text, now=now, reason=RevisionReason.EDITED, action=AuditAction.MESSAGE_EDITED
    )


@transaction.atomic
def message_delete(*, actor: User, message: Message, now: datetime | None = None) -> Message:
    """The author deletes their message, within the window: its row stays
    (shown as deleted, without text or files), its text is kept
    (MessageRevision, reason "deleted")."""
    now = now or timezone.now()
    locked = _locked_message(actor, message)
    require(policy.can_edit_message(actor, locked, now), _window_refusal())
    return _replace_body(
        actor=actor, message=locked, body="", now=now, reason=RevisionReason.DELETED, action=AuditAction.MESSAGE_DELETED
    )


def _replace_body(
    *, actor: User, message: Message, body: str, now: datetime, reason: RevisionReason, action: AuditAction
) -> Message:
    """Keep the text as it was (a MessageRevision with ``reason``), put
    ``body`` in its place and stamp the time (edited_at, or deleted_at for a
    deletion); audited, ids only. ``message`` is locked, and its author may
    change it now."""
    revision = MessageRevision.objects.create(message=message, body=message.body, replaced_at=now, reason=reason)
    stamped = "deleted_at" if reason == RevisionReason.DELETED else "edited_at"
    message.body = body
    setattr(message, stamped, now)
    message.save(update_fields=["body", stamped])
    audit_record(actor=actor, action=action, target=message, thread=message.thread_id, revision=revision.pk)
    return message
