"""Business rules for accounts, couples and invitations.

Every change to people or couples goes through a function here, which also
writes an AuditEvent. Views, serializers, admin actions and tasks call these.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    OPEN_COUPLE_STATUSES,
    AuditAction,
    AuditEvent,
    Couple,
    CoupleStatus,
    HeldInvitation,
    HoldReason,
    Invitation,
    Role,
    User,
)
from accounts import signals
from portal import policy
from portal.errors import require, violated_constraint

INVITATION_SALT = "accounts.invitation"
# The unique constraints an address already taken breaks: the column's own
# (PostgreSQL's name for ``unique=True``) and the case-insensitive one.
EMAIL_TAKEN_CONSTRAINTS = ("accounts_user_email_key", "user_email_ci_unique")
logger = logging.getLogger(__name__)
# What an inviter is told, whoever the addresses belong to (couple_invite_or_hold).
INVITE_ACCEPTED_TEXT = (
    "Thank you. The invitations are on their way; if anything about these addresses "
    "needs sorting out first, the front desk will be in touch with you."
)


def audit_record(*, actor: User | None, action: AuditAction, target: Any, **details: Any) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        details=details,
    )


@dataclass(frozen=True)
class PartnerDetails:
    full_name: str
    email: str


class InvitationClash(ValidationError):
    """The address cannot be invited as a client here (a staff account, or a
    client of another open couple). A ValidationError naming the field for
    those who may know why (the front desk turning an intake into a couple);
    held quietly for the front desk when a counselor invites (couple_invite_or_hold)."""

    def __init__(self, field: str, message: str, reason: HoldReason) -> None:
        super().__init__({field: message})
        self.reason = reason


def _client_for_invitation(partner: PartnerDetails, field_prefix: str) -> User:
    """Find or create the client account for an invited partner; an
    InvitationClash for staff addresses and clients who already belong to an
    open couple."""
    email = User.objects.normalize_email(partner.email.strip()).lower()
    name = partner.full_name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors[f"{field_prefix}_name"] = "Enter this partner's full name."
    if not email:
        errors[f"{field_prefix}_email"] = "Enter this partner's e-mail address."
    if errors:
        raise ValidationError(errors)
    field = f"{field_prefix}_email"
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=name, role=Role.CLIENT)
        user.set_unusable_password()
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None
        try:
            # A savepoint: a parallel invitation of the same new address wins
            # the unique e-mail and this one reports it instead of a 500.
            with transaction.atomic():
                user.save()
        except IntegrityError as exc:
            # PostgreSQL names the constraint; SQLite names none (None).
            if violated_constraint(exc) not in (None, *EMAIL_TAKEN_CONSTRAINTS):
                raise
            raise InvitationClash(
                field, "This address was invited a moment ago; check the couples list.", HoldReason.IN_OPEN_COUPLE
            ) from None
        return user
    if not policy.can_join_couple(user):
        raise InvitationClash(field, "This address belongs to a staff account, not a client.", HoldReason.STAFF_ADDRESS)
    in_open_couple = Couple.objects.filter(
        Q(partner_one=user) | Q(partner_two=user), status__in=OPEN_COUPLE_STATUSES
    ).exists()
    if in_open_couple:
        raise InvitationClash(field, "This client already belongs to an active couple.", HoldReason.IN_OPEN_COUPLE)
    return user


@transaction.atomic
def couple_invite(
    *,
    invited_by: User,
    partner_one: PartnerDetails,
    partner_two: PartnerDetails,
    primary_counselor: User | None = None,
    time_zone: str | None = None,
) -> Couple:
    """Create a couple of two new (or returning) clients and e-mail each an
    invitation; an address that cannot join is refused naming its field
    (InvitationClash). For the front desk, who may know whose address it is;
    a counselor's invitation goes through couple_invite_or_hold."""
    if not policy.can_invite_couples(invited_by):
        raise ValidationError("Only counselors and practice admins can invite couples.")
    if primary_counselor is None:
        if not policy.counsels_couples(invited_by):
            raise ValidationError({"primary_counselor": "Choose the couple's counselor."})
        primary_counselor = invited_by
    if not policy.counselors_assignable_by(invited_by).filter(pk=primary_counselor.pk).exists():
        raise ValidationError({"primary_counselor": "Choose an active counselor you may assign."})
    if partner_one.email.strip().lower() == partner_two.email.strip().lower():
        raise ValidationError({"partner_two_email": "Each partner needs their own e-mail address."})

    # Lock both accounts (in a stable order) so that two invitations racing
    # for the same client cannot both put them in an open couple.
    first, second = sorted([("partner_one", partner_one), ("partner_two", partner_two)], key=lambda p: p[1].email)
    users = {prefix: _client_for_invitation(details, prefix) for prefix, details in (first, second)}

    couple = Couple(
        partner_one=users["partner_one"],
        partner_two=users["partner_two"],
        primary_counselor=primary_counselor,
        time_zone=time_zone or settings.PRACTICE_TIME_ZONE,
    )
    couple.full_clean()
    couple.save()
    # The partners see and are e-mailed times, and have quiet hours, in their
    # own zone: until they have logged in (and could choose one), the couple's.
    User.objects.filter(pk__in=[u.pk for u in couple.partners], last_login__isnull=True).update(
        time_zone=couple.time_zone
    )
    for user in couple.partners:
        if user.last_login is None:
            user.time_zone = couple.time_zone
    audit_record(actor=invited_by, action=AuditAction.COUPLE_CREATED, target=couple, counselor=primary_counselor.pk)
    for user in couple.partners:
        invitation = Invitation.objects.create(couple=couple, user=user, invited_by=invited_by)
        audit_record(actor=invited_by, action=AuditAction.INVITATION_CREATED, target=invitation, email=user.email)
        _queue_invitation_email(invitation)
    signals.send_couple_created(couple=couple, actor=invited_by)
    return couple


@transaction.atomic
def couple_invite_or_hold(
    *,
    invited_by: User,
    partner_one: PartnerDetails,
    partner_two: PartnerDetails,
    primary_counselor: User | None = None,
    time_zone: str | None = None,
) -> Couple | None:
    """couple_invite, except that an address that cannot join (a staff
    account, a client of another open couple) is not refused: the whole
    invitation is held for the front desk (a HeldInvitation, nothing created,
    no one e-mailed) and None returned. The inviter's page and API answer the
    same either way, so an invitation never tells whom else an address
    belongs to, nor that they are in therapy here."""
    try:
        with transaction.atomic():  # a clash on the second partner undoes the first's new account
            return couple_invite(
                invited_by=invited_by,
                partner_one=partner_one,
                partner_two=partner_two,
                primary_counselor=primary_counselor,
                time_zone=time_zone,
            )
    except InvitationClash as clash:
        held = HeldInvitation.objects.create(
            invited_by=invited_by,
            # couple_invite checked the counselor before any address
            primary_counselor=primary_counselor or invited_by,
            partner_one_name=partner_one.full_name.strip(),
            partner_one_email=partner_one.email.strip().lower(),
            partner_two_name=partner_two.full_name.strip(),
            partner_two_email=partner_two.email.strip().lower(),
            time_zone=time_zone or settings.PRACTICE_TIME_ZONE,
            reason=clash.reason,
        )
        audit_record(actor=invited_by, action=AuditAction.INVITATION_HELD, target=held, reason=clash.reason)
        return None


@transaction.atomic
def held_invitation_resolve(*, held: HeldInvitation, actor: User) -> HeldInvitation:
    """The front desk has sorted a held invitation out (with the inviter, by
    closing an old couple, or by inviting again with the right address)."""
    require(policy.can_resolve_held_invitations(actor), "Only the front desk sorts out held invitations.")
    held = HeldInvitation.objects.select_for_update().get(pk=held.pk)
    if held.resolved_at is not None:
        raise ValidationError("This invitation is already sorted out.")
    held.resolved_at = timezone.now()
    held.resolved_by = actor
    held.save(update_fields=["resolved_at", "resolved_by"])
    audit_record(actor=actor, action=AuditAction.INVITATION_HOLD_RESOLVED, target=held)
    return held


def _queue_invitation_email(invitation: Invitation) -> None:
    from accounts.tasks import send_invitation_email

    invitation_id = invitation.pk

    def queue() -> None:
        # Publishing fails fast when the broker is down (CELERY_BROKER_*);
        # then the e-mail goes from here rather than the request failing.
        try:
            send_invitation_email.apply_async(args=[invitation_id], retry=False)
        except Exception:  # the broker, whatever its client raises
            logger.warning("the broker did not take invitation %s; sending it from the web process", invitation_id)
            invitation_send_email(invitation_id=invitation_id)

    transaction.on_commit(queue)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    require(policy.can_manage_couple(actor, invitation.couple), "You cannot resend this couple's invitations.")
    if invitation.is_accepted:
        raise ValidationError("This partner has already accepted the invitation.")
    audit_record(actor=actor, action=AuditAction.INVITATION_RESENT, target=invitation)
    _queue_invitation_email(invitation)
    return invitation


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "k": invitation.key}, salt=INVITATION_SALT, compress=True)


def invitation_url(invitation: Invitation) -> str:
    return settings.PORTAL_BASE_URL + reverse("invitation_accept", args=[invitation_token(invitation)])


class InvitationInvalid(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired", "used" or "invalid"


def invitation_from_token(token: str) -> Invitation:
    """The pending invitation a link stands for, or InvitationInvalid saying why not."""
    max_age = timedelta(days=settings.INVITATION_VALID_DAYS)
    try:
        data = signing.loads(token, salt=INVITATION_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise InvitationInvalid("expired") from None
    except signing.BadSignature:
        raise InvitationInvalid("invalid") from None
    invitation_id = data.get("i") if isinstance(data, dict) else None
    invitation = (
        Invitation.objects.select_related("user", "couple", "invited_by").filter(pk=invitation_id).first()
        if isinstance(invitation_id, int)
        else None
    )
    if invitation is None:
        raise InvitationInvalid("invalid")
    if invitation.is_accepted or invitation.key != data.get("k"):
        raise InvitationInvalid("used")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited partner's password; the link then never works again."""
    invitation = invitation_from_token(token)
    # Re-read under lock so that two tabs submitting at once accept once.
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation.is_accepted:
        raise InvitationInvalid("used")
    user = invitation.user
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    invitation.accepted_at = timezone.now()
    invitation.key = Invitation._meta.get_field("key").get_default()
    invitation.save(update_fields=["accepted_at", "key"])
    audit_record(actor=user, action=AuditAction.INVITATION_ACCEPTED, target=invitation)
    return user


def invitation_send_email(*, invitation_id: int) -> bool:
    """Send (or re-send) one invitation e-mail. False if there is nothing to send."""
    invitation = Invitation.objects.select_related("user", "couple__primary_counselor").filter(pk=invitation_id).first()
    if invitation is None or invitation.is_accepted:
        return False
    context = {
        "invitation": invitation,
        "user": invitation.user,
        "counselor": invitation.couple.primary_counselor,
        "url": invitation_url(invitation),
        "valid_days": settings.INVITATION_VALID_DAYS,
        "practice_name": settings.PRACTICE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=f"{settings.PRACTICE_NAME}: your invitation to the client portal",
        body=render_to_string("emails/invitation.txt", context),
        to=[invitation.user.email],
    )
    message.attach_alternative(render_to_string("emails/invitation.html", context), "text/html")
    message.send()
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now(), send_count=F("send_count") + 1)
    return True


@transaction.atomic
def couple_set_status(*, couple: Couple, status: str, actor: User) -> Couple:
    if not policy.can_manage_couple(actor, couple):
        raise ValidationError("You cannot change this couple.")
    if status not in CoupleStatus.values:
        raise ValidationError({"status": f"Choose one of: {', '.join(CoupleStatus.values)}."})
    previous = couple.status
    if status in OPEN_COUPLE_STATUSES and previous == CoupleStatus.CLOSED:
        for partner in couple.partners:
            clash = Couple.objects.filter(
                Q(partner_one=partner) | Q(partner_two=partner), status__in=OPEN_COUPLE_STATUSES
            ).exclude(pk=couple.pk)
            if clash.exists():
                raise ValidationError({"status": f"{partner.full_name} already belongs to another active couple."})
    couple.status = status
    couple.save(update_fields=["status"])
    audit_record(actor=actor, action=AuditAction.COUPLE_STATUS_CHANGED, target=couple, previous=previous, status=status)
    return couple


def user_update_profile(*, user: User, full_name: str, time_zone: str, phone: str) -> User:
    user.full_name = full_name.strip()
    user.time_zone = time_zone
    user.phone = phone.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "time_zone", "phone"])
    audit_record(actor=user, action=AuditAction.USER_PROFILE_UPDATED, target=user)
    return user


def email_to_dict(message: EmailMultiAlternatives) -> dict[str, Any]:
    """A rendered e-mail as JSON-safe data for a Celery task (text and HTML parts)."""
    html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), None)
    return {
        "subject": message.subject,
        "body": message.body,
        "html": html,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
    }


def email_from_dict(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        headers=data.get("headers") or {},
    )
    if data.get("html"):
        message.attach_alternative(data["html"], "text/html")
    return message
