"""Reading: each person's read state, and the audit of staff reads."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from accounts.models import AuditAction, User
from accounts.services import audit_record_many
from messaging import signals
from messaging.models import Thread, ThreadReadState
from portal import policy


@transaction.atomic
def thread_mark_read(*, user: User, thread: Thread, now: datetime | None = None) -> ThreadReadState:
    """``user`` has read ``thread`` up to ``now`` (never moved back). Not an
    audited change: the staff read itself is recorded by threads_record_access."""
    if not policy.can_view_thread(user, thread):
        raise Http404("No such conversation.")
    now = now or timezone.now()
    state, created = ThreadReadState.objects.select_for_update().get_or_create(
        thread=thread, user=user, defaults={"last_read_at": now}
    )
    if not created and state.last_read_at < now:
        state.last_read_at = now
        state.save(update_fields=["last_read_at"])
    signals.message_read.send(sender=ThreadReadState, thread_id=thread.pk, user_id=user.pk)
    return state


def threads_record_access(*, viewer: User, threads: Iterable[Thread], view: str) -> int:
    """Audit that staff read these threads (one insert for all, ids only;
    THREAD_VIEWED). A partner reading their own couple's thread is not
    recorded. How many rows were written."""
    return audit_record_many(
        actor=viewer,
        action=AuditAction.THREAD_VIEWED,
        targets=(
            (thread, {"couple": thread.couple_id, "kind": thread.kind, "view": view})
            for thread in threads
            if policy.thread_read_is_audited(viewer, thread)
        ),
    )
