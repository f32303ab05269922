"""Signing and revoking: each partner for themselves only.

A version that is not published (or a document archived), and a signer who
is not a partner of an open couple, answer 404, like an id that does not
exist. A signature is written once, whole, in one transaction with the
signer's row locked, so two clicks cannot sign twice.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from accounts.languages import language_for
from accounts.models import OPEN_COUPLE_STATUSES, AuditAction, Couple, User
from accounts.services import audit_record, audit_record_many
from intake.models import DocumentVersion, Signature, SignatureRevocation, VersionStatus
from intake.services.packets import paperwork_reminders_refresh
from portal import policy
from portal.errors import ServiceConflict, require, violated_constraint

MAX_USER_AGENT = 512
MAX_REASON = 2000


class AlreadySigned(ServiceConflict):
    def __init__(self) -> None:
        super().__init__(gettext("You have already signed this version of the document."))


def _same_name(typed: str, full_name: str) -> bool:
    """Names compared without regard to case or spacing."""
    return " ".join(typed.split()).casefold() == " ".join(full_name.split()).casefold()


def _clean_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _open_couple_of(user: User) -> Couple:
    couple = (
        Couple.objects.filter(Q(partner_one=user) | Q(partner_two=user), status__in=OPEN_COUPLE_STATUSES)
        .order_by("-started_on", "-pk")
        .first()
    )
    if couple is None:
        raise Http404("No such document.")
    return couple


@transaction.atomic
def signature_create(
    *,
    signer: User,
    version: DocumentVersion,
    typed_name: str,
    agreed: bool,
    ip_address: str | None,
    user_agent: str,
    language: str | None = None,
) -> Signature:
    """``signer`` signs the published ``version`` for themselves, in the
    ``language`` of the text they read (the page says which; default: the
    signer's own language). A language the version has no text in signs its
    English text. The signature keeps the language and the hash of that text."""
    if not policy.can_sign_documents(signer):
        raise Http404("No such document.")
    couple = _open_couple_of(signer)
    # One signer at a time: the check below and the insert cannot interleave.
    User.objects.select_for_update().filter(pk=signer.pk).first()
    published = (
        DocumentVersion.objects.select_related("document")
        .filter(pk=version.pk, status=VersionStatus.PUBLISHED, document__archived=False)
        .first()
    )
    if published is None:
        raise Http404("No such document.")
    version = published
    typed_name = " ".join((typed_name or "").split())
    errors: dict[str, str] = {}
    if not typed_name:
        errors["typed_name"] = gettext("Type your full name to sign.")
    elif not _same_name(typed_name, signer.full_name):
        errors["typed_name"] = gettext("Type your full name as it is on your account: %(name)s.") % {
            "name": signer.full_name
        }
    if agreed is not True:
        errors["agreed"] = gettext("Tick “I agree” to sign.")
    if errors:
        raise ValidationError(errors)
    signed_language = version.reading_language(language or language_for(signer))
    earlier = list(Signature.objects.filter(version=version, signer=signer).select_related("revocation"))
    if any(not hasattr(signature, "revocation") for signature in earlier):
        raise AlreadySigned()
    try:
        with transaction.atomic():
            signature = Signature.objects.create(
                version=version,
                signer=signer,
                couple=couple,
                attempt=len(earlier) + 1,
                version_sha256=version.sha256_in(signed_language),
                language=signed_language,
                typed_name=typed_name,
                agreed=True,
                signed_at=timezone.now(),
                ip_address=_clean_ip(ip_address),
                user_agent=(user_agent or "")[:MAX_USER_AGENT],
            )
    except IntegrityError as exc:
        if violated_constraint(exc) == "signature_one_per_attempt":
            raise AlreadySigned() from exc
        raise
    audit_record(
        actor=signer,
        action=AuditAction.SIGNATURE_CREATED,
        target=signature,
        document=version.document_id,
        version=version.number,
        couple=couple.pk,
        language=signed_language,
    )
    paperwork_reminders_refresh(couple_id=couple.pk)
    return signature


@transaction.atomic
def signature_revoke(*, actor: User, signature: Signature, reason: str) -> SignatureRevocation:
    """The signer withdraws their signature: a revocation is recorded, the
    signature stays as it was."""
    locked = (
        Signature.objects.select_for_update(of=("self",))
        .select_related("couple", "version__document")
        .filter(pk=signature.pk)
        .first()
    )
    if locked is None or not policy.can_view_signature(actor, locked):
        raise Http404("No such signature.")
    signature = locked
    require(
        policy.can_revoke_signature(actor, signature), gettext("Only the person who signed can revoke a signature.")
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": gettext("Say briefly why you are revoking it.")})
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": gettext("Keep the reason under %(count)s characters.") % {"count": f"{MAX_REASON:,}"}}
        )
    if SignatureRevocation.objects.filter(signature=signature).exists():
        raise ServiceConflict(gettext("This signature was already revoked."))
    revocation = SignatureRevocation.objects.create(signature=signature, reason=reason, revoked_at=timezone.now())
    audit_record(
        actor=actor,
        action=AuditAction.SIGNATURE_REVOKED,
        target=signature,
        document=signature.version.document_id,
        version=signature.version.number,
    )
    paperwork_reminders_refresh(couple_id=signature.couple_id)
    return revocation


def signatures_record_access(*, viewer: User, signatures: Iterable[Signature], view: str) -> None:
    """Audit that staff saw these signatures (one insert for all, ids only).
    A signer looking at their own is not recorded."""
    audit_record_many(
        actor=viewer,
        action=AuditAction.SIGNATURE_VIEWED,
        targets=(
            (signature, {"signer": signature.signer_id, "couple": signature.couple_id, "view": view})
            for signature in signatures
            if policy.signature_read_is_audited(viewer, signature)
        ),
    )
