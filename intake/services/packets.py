"""The intake packet: the practice's default, each couple's copy of it, and
the hold on a couple's first appointment.

A couple's packet is made from the default when the couple is invited (the
receiver of accounts.signals.couple_created). Its questionnaires are given
to the couple as exercises (exercises.services.assignment_create, by the
couple's primary counselor: an assignment is always a counselor's), each
partner answering their own, read by the counselor only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, Couple, User
from accounts.services import audit_record
from exercises import services as exercise_services
from exercises.models import AssignmentStatus, ExerciseTemplate
from intake import selectors
from intake.models import DefaultPacketItem, Document, IntakePacket, IntakePacketItem
from notifications import paperwork
from portal import policy
from portal.errors import require

# The questionnaires are due a week after the invitation, in the evening of
# the couple's time zone; the reminders before the first appointment are
# the notifications app's (notifications.intake).
QUESTIONNAIRE_DUE_AFTER = timedelta(days=7)
QUESTIONNAIRE_DUE_TIME = time(20, 0)
MAX_OVERRIDE_REASON = 1000
# The audit trail's target for the default packet as a whole (its rows are replaced on each change).
DEFAULT_PACKET = SimpleNamespace(_meta=DefaultPacketItem._meta, pk="default")


def _usable_template(template_id: int, *, counselor: User) -> ExerciseTemplate:
    template = ExerciseTemplate.objects.filter(pk=template_id).first()
    if template is None or not policy.can_use_template(counselor, template):
        raise ValidationError({"template": gettext("Choose a built-in questionnaire or one of the counselor's own.")})
    return template


def _document(document_id: int) -> Document:
    document = Document.objects.filter(pk=document_id, archived=False).first()
    if document is None:
        raise ValidationError({"document": gettext("Choose one of the practice's documents.")})
    return document


@transaction.atomic
def default_packet_set(
    *, actor: User, document_ids: Sequence[int], template_ids: Sequence[int]
) -> list[DefaultPacketItem]:
    """Replace the practice's default packet (documents first, then questionnaires, in the order given)."""
    require(policy.can_manage_default_packet(actor), gettext("Only a practice admin sets the default intake packet."))
    documents = [_document(pk) for pk in dict.fromkeys(document_ids)]
    templates = []
    for pk in dict.fromkeys(template_ids):
        template = ExerciseTemplate.objects.filter(pk=pk, is_builtin=True, is_archived=False).first()
        if template is None:
            raise ValidationError({"template": gettext("The default packet holds built-in questionnaires only.")})
        templates.append(template)
    DefaultPacketItem.objects.all().delete()
    items = [DefaultPacketItem(document=d, position=i) for i, d in enumerate(documents)]
    items += [DefaultPacketItem(template=t, position=len(documents) + i) for i, t in enumerate(templates)]
    DefaultPacketItem.objects.bulk_create(items)
    audit_record(
        actor=actor,
        action=AuditAction.INTAKE_DEFAULT_CHANGED,
        target=DEFAULT_PACKET,
        documents=[d.pk for d in documents],
        templates=[t.pk for t in templates],
    )
    return items


def _assign_questionnaire(*, packet: IntakePacket, template: ExerciseTemplate, counselor: User, now: datetime) -> int:
    couple = packet.couple
    today = now.astimezone(ZoneInfo(couple.time_zone)).date()
    assignment = exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=today,
        due_on=today + QUESTIONNAIRE_DUE_AFTER,
        due_time=QUESTIONNAIRE_DUE_TIME,
        note="Part of your paperwork before the first session.",
        now=now,
    )
    return assignment.pk


def _assigning_counselor(actor: User, couple: Couple) -> User:
    """Who gives a questionnaire: the acting counselor, or for a practice
    admin the couple's primary counselor."""
    return actor if policy.can_manage_assignments(actor, couple) else couple.primary_counselor


@transaction.atomic
def packet_create(*, actor: User, couple: Couple, now: datetime | None = None) -> IntakePacket:
    """The couple's packet, copied from the practice's default."""
    now = now or timezone.now()
    require(policy.can_manage_couple(actor, couple), gettext("You cannot prepare this couple's intake packet."))
    packet, created = IntakePacket.objects.get_or_create(couple=couple, defaults={"created_by": actor})
    if not created:
        return packet
    for position, default in enumerate(DefaultPacketItem.objects.select_related("template", "document")):
        item = IntakePacketItem(packet=packet, document=default.document, template=default.template, position=position)
        if default.template is not None:
            item.assignment_id = _assign_questionnaire(
                packet=packet, template=default.template, counselor=couple.primary_counselor, now=now
            )
        item.save()
    audit_record(actor=actor, action=AuditAction.INTAKE_PACKET_CREATED, target=packet, couple=couple.pk)
    paperwork_reminders_refresh(couple_id=couple.pk, now=now)
    return packet


def _locked_packet(actor: User, packet: IntakePacket) -> IntakePacket:
    locked = IntakePacket.objects.select_for_update(of=("self",)).select_related("couple").filter(pk=packet.pk).first()
    if locked is None or not policy.can_see_intake_packet(actor, locked.couple):
        raise Http404("No such intake packet.")
    require(
        policy.can_adjust_intake_packet(actor, locked.couple), gettext("You cannot change this couple's intake packet.")
    )
    return locked


@transaction.atomic
def packet_item_add(
    *,
    actor: User,
    packet: IntakePacket,
    document_id: int | None = None,
    template_id: int | None = None,
    now: datetime | None = None,
) -> IntakePacketItem:
    """Add a document or a questionnaire to one couple's packet."""
    now = now or timezone.now()
    packet = _locked_packet(actor, packet)
    if (document_id is None) == (template_id is None):
        raise ValidationError(gettext("Choose either a document or a questionnaire."))
    position = (packet.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    if document_id is not None:
        document = _document(document_id)
        if packet.items.filter(document=document).exists():
            raise ValidationError({"document": gettext("This document is already in the packet.")})
        item = IntakePacketItem.objects.create(packet=packet, document=document, position=position, added_at=now)
    else:
        counselor = _assigning_counselor(actor, packet.couple)
        template = _usable_template(int(template_id or 0), counselor=counselor)
        if packet.items.filter(template=template).exists():
            raise ValidationError({"template": gettext("This questionnaire is already in the packet.")})
        item = IntakePacketItem(packet=packet, template=template, position=position, added_at=now)
        item.assignment_id = _assign_questionnaire(packet=packet, template=template, counselor=counselor, now=now)
        item.save()
    audit_record(
        actor=actor,
        action=AuditAction.INTAKE_PACKET_CHANGED,
        target=packet,
        added_document=item.document_id,
        added_template=item.template_id,
    )
    paperwork_reminders_refresh(couple_id=packet.couple_id, now=now)
    return item


@transaction.atomic
def packet_item_remove(*, actor: User, item: IntakePacketItem, now: datetime | None = None) -> None:
    """Take an item out of one couple's packet. A questionnaire's exercise
    ends (answers already written are kept)."""
    packet = _locked_packet(actor, item.packet)
    item = IntakePacketItem.objects.select_related("assignment").filter(pk=item.pk, packet=packet).first()  # type: ignore[assignment]
    if item is None:
        raise Http404("No such item.")
    assignment = item.assignment
    if assignment is not None and assignment.status != AssignmentStatus.ENDED:
        exercise_services.assignment_end(
            assignment=assignment, counselor=_assigning_counselor(actor, packet.couple), now=now
        )
    audit_record(
        actor=actor,
        action=AuditAction.INTAKE_PACKET_CHANGED,
        target=packet,
        removed_document=item.document_id,
        removed_template=item.template_id,
    )
    item.delete()
    paperwork_reminders_refresh(couple_id=packet.couple_id, now=now)


@transaction.atomic
def packet_hold_override(*, actor: User, packet: IntakePacket, reason: str) -> IntakePacket:
    """Let the couple's first appointment be confirmed although a document
    is unsigned: a practice admin, with a reason kept on the packet and in
    the audit trail."""
    locked = IntakePacket.objects.select_for_update(of=("self",)).select_related("couple").filter(pk=packet.pk).first()
    if locked is None or not policy.can_see_intake_packet(actor, locked.couple):
        raise Http404("No such intake packet.")
    require(policy.can_override_intake_hold(actor), gettext("Only a practice admin can confirm without the paperwork."))
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": gettext("Say why the first appointment may go ahead without the paperwork.")})
    if len(reason) > MAX_OVERRIDE_REASON:
        raise ValidationError(
            {"reason": gettext("Keep the reason under %(count)s characters.") % {"count": f"{MAX_OVERRIDE_REASON:,}"}}
        )
    locked.hold_override_reason = reason
    locked.hold_overridden_by = actor
    locked.hold_overridden_at = timezone.now()
    locked.save(update_fields=["hold_override_reason", "hold_overridden_by", "hold_overridden_at"])
    audit_record(actor=actor, action=AuditAction.INTAKE_HOLD_OVERRIDDEN, target=locked, couple=locked.couple_id)
    return locked


def paperwork_reminders_refresh(*, couple_id: int, now: datetime | None = None) -> int:
    """Plan the reminders before the couple's first session for the partners
    who have something left to do, and cancel the others' (no permission:
    the portal's own bookkeeping after a change someone was allowed to make)."""
    packet = (
        IntakePacket.objects.select_related("couple__partner_one", "couple__partner_two")
        .prefetch_related("items__document", "items__template")
        .filter(couple_id=couple_id)
        .first()
    )
    if packet is None:
        return 0
    first = selectors.first_appointment_of(couple_id)
    unfinished = [p.partner for p in selectors.packet_progress_all(packet).partners if p.missing]
    return paperwork.reminders_plan_paperwork(
        couple_id=couple_id, first_start=first.start if first is not None else None, recipients=unfinished, now=now
    )
