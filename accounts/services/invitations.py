"""Invitations: the e-mailed single-use link, resending it, accepting it."""

from __future__ import annotations

import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.languages import override_for
from accounts.models import AuditAction, Invitation, User
from accounts.services.audit import audit_record
from accounts.services.emails import safety_notice_message
from portal import policy
from portal.errors import require

INVITATION_SALT = "accounts.invitation"
logger = logging.getLogger(__name__)


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
    if invitation.couple is None:
        require(policy.can_manage_staff(actor), gettext("Only practice admins can resend a counselor's invitation."))
    else:
        require(
            policy.can_manage_couple(actor, invitation.couple), gettext("You cannot resend this couple's invitations.")
        )
    if invitation.is_accepted:
        raise ValidationError(gettext("This partner has already accepted the invitation."))
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
    if not invitation.user.is_active:
        # A deactivated account is not switched back on by an old link.
        raise InvitationInvalid("used")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited partner's password; the link then never works again."""
    invitation = invitation_from_token(token)
    # Re-read under lock so that two tabs submitting at once accept once.
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation.is_accepted or not invitation.user.is_active:
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
    invitation = (
        Invitation.objects.select_related("user__safety", "couple__primary_counselor", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.is_accepted:
        return False
    # Written in the invitee's language (their own, else the practice's).
    with override_for(invitation.user):
        if invitation.couple is not None and policy.in_safety_mode(invitation.user):
            message = safety_notice_message(to=invitation.user.email, url=invitation_url(invitation))
        else:
            message = _invitation_message(invitation)
    message.send()
    Invitation.objects.filter(pk=invitation.pk).update(last_sent_at=timezone.now(), send_count=F("send_count") + 1)
    return True


def _invitation_message(invitation: Invitation) -> EmailMultiAlternatives:
    """A partner's invitation names their counselor; a counselor's (no couple)
    comes from the practice admin who sent it. Rendered in the language active
    (invitation_send_email: the invitee's)."""
    context: dict[str, object] = {
        "invitation": invitation,
        "user": invitation.user,
        "url": invitation_url(invitation),
        "valid_days": settings.INVITATION_VALID_DAYS,
        "practice_name": settings.PRACTICE_NAME,
    }
    if invitation.couple is None:
        template = "emails/staff_invitation"
        subject = gettext("%(practice)s: your counselor account on the portal")
        context["invited_by"] = invitation.invited_by
    else:
        template = "emails/invitation"
        subject = gettext("%(practice)s: your invitation to the client portal")
        context["counselor"] = invitation.couple.primary_counselor
    message = EmailMultiAlternatives(
        subject=subject % {"practice": settings.PRACTICE_NAME},
        body=render_to_string(f"{template}.txt", context),
        to=[invitation.user.email],
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message
