"""Documents and consent (intake). See portal/policy/__init__.py for the rules as a whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.models import Couple, Role, User

if TYPE_CHECKING:
    from intake.models import Signature
from portal.policy.base import _active, is_practice_admin
from portal.policy.couples import caseload_couple_ids, is_on_caseload, is_partner_in

# The practice's documents are kept by practice admins (drafts and versions);
# everyone signed in reads the published versions. Each partner signs for
# themselves only. A signature is seen by its signer, by the counselors of
# the couple it was signed in, and by practice admins; every read by staff
# is audited. ``intake.selectors.signatures_visible_to`` applies
# signature_scope in SQL; tests/intake/test_policy.py checks that it and
# can_view_signature agree.


def can_manage_documents(user: User) -> bool:
    """Write drafts, publish versions, see every version: practice admins."""
    return is_practice_admin(user)


def can_read_published_documents(user: User) -> bool:
    return _active(user)


def can_sign_documents(user: User) -> bool:
    """Partners (clients) sign, each with their own login (which couple: intake.services)."""
    return _active(user) and user.role == Role.CLIENT


def _practice_caseload_or_own(user: User, own: Q) -> Q | None:
    """A filter on rows with a ``couple``: practice admins all, counselors
    their caseload's, a client ``own`` (their part); None for no one."""
    if not _active(user):
        return None
    if user.role == Role.PRACTICE_ADMIN:
        return Q()
    if user.role == Role.COUNSELOR:
        return Q(couple__in=caseload_couple_ids(user))
    if user.role == Role.CLIENT:
        return own
    return None


def signature_scope(user: User) -> Q | None:
    """Which signatures a user may see, as a filter; None for no one."""
    return _practice_caseload_or_own(user, Q(signer=user))


def can_view_signature(user: User, signature: Signature) -> bool:
    """signature_scope for one signature."""
    if not _active(user):
        return False
    if user.role == Role.PRACTICE_ADMIN:
        return True
    if user.role == Role.COUNSELOR:
        return is_on_caseload(user, signature.couple)
    return user.role == Role.CLIENT and signature.signer_id == user.pk


def signature_read_is_audited(user: User, signature: Signature) -> bool:
    """A signer reading their own signature is not recorded; staff reads are."""
    return signature.signer_id != user.pk


def can_revoke_signature(user: User, signature: Signature) -> bool:
    """Only its signer withdraws a signature."""
    return _active(user) and user.role == Role.CLIENT and signature.signer_id == user.pk


# The intake packet. Its status (which partner has done what, never what
# they answered) is seen by the couple's counselors and by practice admins
# (the front desk confirms first appointments); a partner sees their own
# part only. Counselors and admins adjust a couple's packet; admins keep the
# practice's default and alone may lift the hold on a first appointment.


def can_see_intake_packet(user: User, couple: Couple) -> bool:
    """intake_packet_scope for one couple's packet."""
    if not _active(user):
        return False
    if user.role == Role.PRACTICE_ADMIN:
        return True
    if user.role == Role.COUNSELOR:
        return is_on_caseload(user, couple)
    return user.role == Role.CLIENT and is_partner_in(user, couple)


def intake_packet_scope(user: User) -> Q | None:
    """Which couples' packets a user may see, as a filter on IntakePacket; None for none."""
    return _practice_caseload_or_own(user, Q(couple__partner_one=user) | Q(couple__partner_two=user))


def sees_whole_intake_packet(user: User) -> bool:
    """Staff see both partners' status; a partner only their own."""
    return _active(user) and user.role in (Role.PRACTICE_ADMIN, Role.COUNSELOR)


def can_adjust_intake_packet(user: User, couple: Couple) -> bool:
    return is_practice_admin(user) or (_active(user) and is_on_caseload(user, couple))


def can_manage_default_packet(user: User) -> bool:
    return is_practice_admin(user)


def can_override_intake_hold(user: User) -> bool:
    """Confirm a couple's first appointment although a document is unsigned."""
    return is_practice_admin(user)
