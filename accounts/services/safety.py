"""A partner's safety state (accounts.models.PartnerSafety): safety mode,
switched by their counselor, and the safety screen's flag, raised by the
system and marked reviewed by the counselor. Audit rows record that it
happened, never what the screen said."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts import signals
from accounts.models import OPEN_COUPLE_STATUSES, AuditAction, Couple, PartnerSafety, User
from accounts.services.audit import audit_record
from portal import policy
from portal.errors import require


def _open_couple_of(*, actor: User, partner: User) -> Couple:
    """The partner's open couple, if the actor may see it; else 404, the same
    as for a partner who does not exist."""
    couple = (
        policy.couples_visible_to(actor)
        .filter(Q(partner_one=partner) | Q(partner_two=partner), status__in=OPEN_COUPLE_STATUSES)
        .first()
    )
    if couple is None:
        raise Http404("No such partner.")
    return couple


def _locked_row(partner: User) -> PartnerSafety:
    PartnerSafety.objects.get_or_create(user=partner)
    return PartnerSafety.objects.select_for_update().get(user=partner)


@transaction.atomic
def safety_mode_set(*, actor: User, partner: User, on: bool) -> PartnerSafety:
    """Switch a partner's safety mode on or off: their counselor only."""
    couple = _open_couple_of(actor=actor, partner=partner)
    require(policy.can_manage_safety(actor, couple), gettext("Only the couple's counselor can change safety mode."))
    safety = _locked_row(partner)
    if safety.safety_mode == on:
        return safety
    safety.safety_mode = on
    safety.safety_mode_changed_at = timezone.now()
    safety.safety_mode_changed_by = actor
    safety.save(update_fields=["safety_mode", "safety_mode_changed_at", "safety_mode_changed_by"])
    audit_record(actor=actor, action=AuditAction.SAFETY_MODE_CHANGED, target=safety, on=on)
    signals.send_safety_mode_changed(user=partner, on=on)
    # The partner's own user object (perhaps the request's) reads the new state.
    partner.safety = safety
    return safety


@transaction.atomic
def risk_flag_raise(*, partner: User, now: datetime | None = None) -> PartnerSafety:
    """The system raises the flag when a safety screen answer indicates risk.
    Idempotent while the flag is unreviewed (no second audit row); after a
    review it is raised again. No actor, no content."""
    if not policy.can_join_couple(partner):
        raise ValueError("Only clients answer the safety screen.")
    now = now or timezone.now()
    safety = _locked_row(partner)
    if safety.has_unreviewed_flag:
        return safety
    if safety.risk_reviewed_at is not None and now <= safety.risk_reviewed_at:
        # Raised again after a review: later than it, or it would read as seen.
        now = safety.risk_reviewed_at + timedelta(microseconds=1)
    safety.risk_flagged_at = now
    safety.save(update_fields=["risk_flagged_at"])
    audit_record(actor=None, action=AuditAction.RISK_FLAG_RAISED, target=safety)
    return safety


@transaction.atomic
def risk_flag_review(*, actor: User, partner: User) -> PartnerSafety:
    """The counselor has seen the flag and followed it up (outside the portal)."""
    couple = _open_couple_of(actor=actor, partner=partner)
    require(
        policy.can_manage_safety(actor, couple), gettext("Only the couple's counselor can review the safety screen.")
    )
    safety = _locked_row(partner)
    if not safety.has_unreviewed_flag:
        return safety
    safety.risk_reviewed_at = timezone.now()
    if safety.risk_flagged_at is not None and safety.risk_reviewed_at <= safety.risk_flagged_at:
        safety.risk_reviewed_at = safety.risk_flagged_at + timedelta(microseconds=1)
    safety.risk_reviewed_by = actor
    safety.save(update_fields=["risk_reviewed_at", "risk_reviewed_by"])
    audit_record(actor=actor, action=AuditAction.RISK_FLAG_REVIEWED, target=safety)
    return safety
