"""Staff management by practice admins: inviting a counselor (the same
single-use Invitation as a partner's, without a couple), changing their
name, deactivating them, and moving a couple to another counselor."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import auth, signals
from accounts.languages import SUPPORTED
from accounts.models import AuditAction, Couple, Invitation, User
from accounts.services.audit import audit_record
from accounts.services.couples import EMAIL_TAKEN_CONSTRAINTS
from accounts.services.invitations import _queue_invitation_email
from portal import policy
from portal.errors import require, violated_constraint

EMAIL_TAKEN = _("This address already belongs to an account of the portal.")


def _clean_user(user: User) -> None:
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None


@transaction.atomic
def counselor_invite(*, actor: User, full_name: str, email: str, time_zone: str, language: str = "") -> Invitation:
    """Create a counselor's account (no password yet) and e-mail them the link
    that sets it; their first login then asks for two-factor authentication
    before anything else (accounts.middleware.RequireTwoFactorMiddleware).
    ``language``: theirs, if the admin knows it ("": the practice's); the
    invitation e-mail is written in it."""
    require(policy.can_manage_staff(actor), gettext("Only practice admins can invite counselors."))
    name = full_name.strip()
    address = User.objects.normalize_email(email.strip()).lower()
    errors: dict[str, str] = {}
    if not name:
        errors["full_name"] = gettext("Enter the counselor's full name.")
    if not address:
        errors["email"] = gettext("Enter the counselor's e-mail address.")
    if language not in ("", *SUPPORTED):
        errors["language"] = gettext("Choose English, Spanish or the practice's default.")
    if errors:
        raise ValidationError(errors)
    if User.objects.filter(email__iexact=address).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    user = User(email=address, full_name=name, role=policy.new_staff_role(), time_zone=time_zone, language=language)
    user.set_unusable_password()
    _clean_user(user)
    try:
        with transaction.atomic():  # a parallel invite of the same address loses the unique e-mail here
            user.save()
    except IntegrityError as exc:
        if violated_constraint(exc) not in (None, *EMAIL_TAKEN_CONSTRAINTS):
            raise
        raise ValidationError({"email": EMAIL_TAKEN}) from None
    invitation = Invitation.objects.create(couple=None, user=user, invited_by=actor)
    audit_record(actor=actor, action=AuditAction.STAFF_INVITED, target=user, email=user.email)
    audit_record(actor=actor, action=AuditAction.INVITATION_CREATED, target=invitation, email=user.email)
    _queue_invitation_email(invitation)
    return invitation


@transaction.atomic
def staff_details_update(*, actor: User, member: User, full_name: str, time_zone: str) -> User:
    """A counselor's name and time zone, as the practice admin keeps them."""
    require(policy.can_manage_staff(actor), gettext("Only practice admins can change a counselor's details."))
    member = User.objects.select_for_update().get(pk=member.pk)
    if not full_name.strip():
        raise ValidationError({"full_name": gettext("Enter the counselor's full name.")})
    changed = {}
    if member.full_name != full_name.strip():
        changed["full_name"] = True
    if member.time_zone != time_zone:
        changed["time_zone"] = True
    member.full_name = full_name.strip()
    member.time_zone = time_zone
    _clean_user(member)
    if changed:
        member.save(update_fields=["full_name", "time_zone"])
        audit_record(actor=actor, action=AuditAction.STAFF_DETAILS_CHANGED, target=member, fields=sorted(changed))
    return member


@transaction.atomic
def counselor_deactivate(*, actor: User, member: User) -> User:
    """The counselor can no longer log in: the account is switched off, their
    sessions and API tokens end and a pending invitation link stops working.
    Nothing is deleted: their couples and appointments stay until the front
    desk moves them (couple_reassign)."""
    require(policy.can_deactivate_staff(actor, member), gettext("You cannot deactivate this account."))
    member = User.objects.select_for_update().get(pk=member.pk)
    if not member.is_active:
        raise ValidationError(gettext("This counselor is already deactivated."))
    member.is_active = False
    member.save(update_fields=["is_active"])
    # A new key makes every link already e-mailed read "already used".
    for invitation in Invitation.objects.filter(user=member, accepted_at__isnull=True):
        invitation.key = Invitation._meta.get_field("key").get_default()
        invitation.save(update_fields=["key"])
    auth.sign_out_everywhere(user=member, keep_session_key=None)
    audit_record(actor=actor, action=AuditAction.STAFF_DEACTIVATED, target=member)
    return member


@transaction.atomic
def couple_reassign(*, actor: User, couple: Couple, counselor: User, move_future_appointments: bool = False) -> Couple:
    """Make ``counselor`` the couple's primary counselor. Their sessions still
    to come move with them only if asked: scheduling does it on the
    couple_reassigned signal, inside this transaction, and refuses (naming
    ``move_future_appointments``) one the new counselor is already busy at."""
    require(
        policy.can_reassign_couple(actor, couple),
        gettext("Only practice admins can move a couple to another counselor."),
    )
    if not policy.counselors_assignable_by(actor).filter(pk=counselor.pk).exists():
        raise ValidationError({"counselor": gettext("Choose an active counselor.")})
    couple = Couple.objects.select_for_update().get(pk=couple.pk)
    previous_id = couple.primary_counselor_id
    if counselor.pk == previous_id:
        raise ValidationError({"counselor": gettext("This is already the couple's counselor.")})
    couple.primary_counselor = counselor
    couple.save(update_fields=["primary_counselor"])
    # Primary and also "other" would list them twice on the couple's page.
    couple.other_counselors.remove(counselor)
    signals.send_couple_reassigned(
        couple=couple,
        previous_counselor_id=previous_id,
        actor=actor,
        move_future_appointments=move_future_appointments,
    )
    audit_record(
        actor=actor,
        action=AuditAction.COUPLE_REASSIGNED,
        target=couple,
        previous_counselor=previous_id,
        counselor=counselor.pk,
        appointments_moved=move_future_appointments,
    )
    return couple
