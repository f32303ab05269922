"""Couples: inviting two clients as a couple (or holding the invitation for
the front desk), and a couple's status."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import signals
from accounts.languages import SUPPORTED
from accounts.models import (
    OPEN_COUPLE_STATUSES,
    AuditAction,
    Couple,
    CoupleStatus,
    HeldInvitation,
    HoldReason,
    Invitation,
    Role,
    User,
)
from accounts.services.audit import audit_record
from accounts.services.invitations import _queue_invitation_email
from portal import policy
from portal.errors import require, violated_constraint

# The unique constraints an address already taken breaks: the column's own
# (PostgreSQL's name for ``unique=True``) and the case-insensitive one.
EMAIL_TAKEN_CONSTRAINTS = ("accounts_user_email_key", "user_email_ci_unique")
# What an inviter is told, whoever the addresses belong to (couple_invite_or_hold).
INVITE_ACCEPTED_TEXT = _(
    "Thank you. The invitations are on their way; if anything about these addresses "
    "needs sorting out first, the front desk will be in touch with you."
)


@dataclass(frozen=True)
class PartnerDetails:
    full_name: str
    email: str
    # The language the partner reads the portal in ("": the practice's), as the inviter knows it.
    language: str = ""


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
        errors[f"{field_prefix}_name"] = gettext("Enter this partner's full name.")
    if not email:
        errors[f"{field_prefix}_email"] = gettext("Enter this partner's e-mail address.")
    if errors:
        raise ValidationError(errors)
    field = f"{field_prefix}_email"
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, full_name=name, role=Role.CLIENT, language=partner.language)
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
                field,
                gettext("This address was invited a moment ago; check the couples list."),
                HoldReason.IN_OPEN_COUPLE,
            ) from None
        return user
    if not policy.can_join_couple(user):
        raise InvitationClash(
            field, gettext("This address belongs to a staff account, not a client."), HoldReason.STAFF_ADDRESS
        )
    in_open_couple = Couple.objects.filter(
        Q(partner_one=user) | Q(partner_two=user), status__in=OPEN_COUPLE_STATUSES
    ).exists()
    if in_open_couple:
        raise InvitationClash(
            field, gettext("This client already belongs to an active couple."), HoldReason.IN_OPEN_COUPLE
        )
    if partner.language and not user.language:
        # A returning client who never chose a language gets the one the inviter gives.
        user.language = partner.language
        user.save(update_fields=["language"])
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
        raise ValidationError(gettext("Only counselors and practice admins can invite couples."))
    if primary_counselor is None:
        if not policy.counsels_couples(invited_by):
            raise ValidationError({"primary_counselor": gettext("Choose the couple's counselor.")})
        primary_counselor = invited_by
    if not policy.counselors_assignable_by(invited_by).filter(pk=primary_counselor.pk).exists():
        raise ValidationError({"primary_counselor": gettext("Choose an active counselor you may assign.")})
    for prefix, details in (("partner_one", partner_one), ("partner_two", partner_two)):
        if details.language not in ("", *SUPPORTED):
            raise ValidationError({f"{prefix}_language": gettext("Choose English, Spanish or the practice's default.")})
    if partner_one.email.strip().lower() == partner_two.email.strip().lower():
        raise ValidationError({"partner_two_email": gettext("Each partner needs their own e-mail address.")})

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
            partner_one_language=partner_one.language,
            partner_two_language=partner_two.language,
            time_zone=time_zone or settings.PRACTICE_TIME_ZONE,
            reason=clash.reason,
        )
        audit_record(actor=invited_by, action=AuditAction.INVITATION_HELD, target=held, reason=clash.reason)
        return None


@transaction.atomic
def held_invitation_resolve(*, held: HeldInvitation, actor: User) -> HeldInvitation:
    """The front desk has sorted a held invitation out (with the inviter, by
    closing an old couple, or by inviting again with the right address)."""
    require(policy.can_resolve_held_invitations(actor), gettext("Only the front desk sorts out held invitations."))
    held = HeldInvitation.objects.select_for_update().get(pk=held.pk)
    if held.resolved_at is not None:
        raise ValidationError(gettext("This invitation is already sorted out."))
    held.resolved_at = timezone.now()
    held.resolved_by = actor
    held.save(update_fields=["resolved_at", "resolved_by"])
    audit_record(actor=actor, action=AuditAction.INVITATION_HOLD_RESOLVED, target=held)
    return held


@transaction.atomic
def couple_set_status(*, couple: Couple, status: str, actor: User) -> Couple:
    if not policy.can_manage_couple(actor, couple):
        raise ValidationError(gettext("You cannot change this couple."))
    if status not in CoupleStatus.values:
        raise ValidationError(
            {"status": gettext("Choose one of: %(statuses)s.") % {"statuses": ", ".join(CoupleStatus.values)}}
        )
    previous = couple.status
    if status in OPEN_COUPLE_STATUSES and previous == CoupleStatus.CLOSED:
        for partner in couple.partners:
            clash = Couple.objects.filter(
                Q(partner_one=partner) | Q(partner_two=partner), status__in=OPEN_COUPLE_STATUSES
            ).exclude(pk=couple.pk)
            if clash.exists():
                raise ValidationError(
                    {
                        "status": gettext("%(name)s already belongs to another active couple.")
                        % {"name": partner.full_name}
                    }
                )
    couple.status = status
    couple.save(update_fields=["status"])  # Couple.save() stamps or clears closed_at
    audit_record(actor=actor, action=AuditAction.COUPLE_STATUS_CHANGED, target=couple, previous=previous, status=status)
    return couple
