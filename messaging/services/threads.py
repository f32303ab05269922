"""Starting a conversation with a couple: the thread and its first message, together."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, Couple, User
from accounts.services import audit_record
from messaging import signals
from messaging.models import MAX_SUBJECT, Message, MessagingSettings, Thread, ThreadKind
from messaging.services.common import clean_body
from portal import policy
from portal.errors import require


def _refusal(actor: User, couple: Couple, kind: str) -> str:
    if kind == ThreadKind.JOINT and policy.is_high_conflict(couple):
        return gettext("This couple is marked high-conflict: write to each partner in a private conversation.")
    if policy.is_partner_in(actor, couple) and not MessagingSettings.load().clients_may_start_threads:
        return gettext("Your counselor starts conversations here; you can reply to theirs.")
    return gettext("You cannot start this conversation.")


@transaction.atomic
def thread_start(
    *,
    actor: User,
    couple: Couple,
    kind: str,
    partner: User | None = None,
    subject: str = "",
    body: str,
) -> Thread:
    """``actor`` starts a ``kind`` conversation with ``couple`` (a private one
    with ``partner``), with ``body`` as its first message. A couple outside
    the actor's reach answers 404; one they see but may not write to
    (a practice admin; a client while the practice does not let clients
    start conversations) 403."""
    couple = policy.couple_for(actor, couple.pk)
    if kind not in ThreadKind.values:
        raise ValidationError({"kind": gettext("Choose a joint or a private conversation.")})
    if kind == ThreadKind.PRIVATE and partner is None:
        raise ValidationError({"partner": gettext("Choose the partner this private conversation is with.")})
    if kind == ThreadKind.PRIVATE and partner is not None and not policy.is_partner_in(partner, couple):
        raise ValidationError({"partner": gettext("Choose one of the couple's partners.")})
    if kind == ThreadKind.JOINT and partner is not None:
        raise ValidationError({"partner": gettext("A joint conversation is with both partners: choose no partner.")})
    require(policy.can_start_thread(actor, couple, kind, partner), _refusal(actor, couple, kind))
    subject = " ".join((subject or "").split())
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(
            {"subject": gettext("Keep the subject to %(limit)d characters.") % {"limit": MAX_SUBJECT}}
        )
    text = clean_body(body)
    now = timezone.now()
    thread = Thread.objects.create(
        couple=couple,
        kind=kind,
        partner=partner if kind == ThreadKind.PRIVATE else None,
        subject=subject,
        started_by=actor,
        created_at=now,
        last_message_at=now,
    )
    message = Message.objects.create(thread=thread, author=actor, body=text, created_at=now)
    audit_record(
        actor=actor,
        action=AuditAction.THREAD_STARTED,
        target=thread,
        couple=couple.pk,
        kind=kind,
        partner=thread.partner_id,
        message=message.pk,
    )
    audit_record(actor=actor, action=AuditAction.MESSAGE_POSTED, target=message, thread=thread.pk, couple=couple.pk)
    signals.message_posted.send(
        sender=Message, message_id=message.pk, thread_id=thread.pk, author_id=actor.pk, thread=thread
    )
    return thread
