"""A person's own record (right of access). See portal/policy/__init__.py for the rules as a whole.

- A **client** downloads their own record, never anyone else's.
- A **counselor** exports a client's record on the client's request, for
  the couples of their caseload the client belongs to; a client outside
  their caseload is a 404.
- A **practice admin** (the front desk, who answers such requests) exports
  any client's record. This is the one place where the front desk handles
  answer content: the export is made for the client, to hand to them, and
  it is audited.
- What a record holds is what its subject may see themselves: the other
  partner's private items (answers the reveal rules keep from the subject,
  their private conversations) are never in it, whoever makes the export.

Every export, the client's own included, writes an audit row
(``AuditAction.RECORD_EXPORTED``).
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import Couple, Role, User
from portal.policy.base import _active, is_practice_admin
from portal.policy.couples import couples_visible_to, is_on_caseload, is_partner_in


def can_download_own_record(user: User) -> bool:
    """The profile page's "Download my record": clients."""
    return _active(user) and user.role == Role.CLIENT


def can_export_record(actor: User, subject: User, couple: Couple) -> bool:
    """May ``actor`` export the record of ``subject`` as a partner of ``couple``?"""
    if not _active(actor) or subject.role != Role.CLIENT or not is_partner_in(subject, couple):
        return False
    if actor.role == Role.CLIENT:
        return actor.pk == subject.pk
    return is_practice_admin(actor) or (actor.role == Role.COUNSELOR and is_on_caseload(actor, couple))


def can_export_records_of(actor: User, couple: Couple) -> bool:
    """A couple's page offers "Export this client's record": to its counselors and practice admins."""
    return actor.role != Role.CLIENT and any(can_export_record(actor, partner, couple) for partner in couple.partners)


def record_couples(actor: User, subject: User) -> QuerySet[Couple]:
    """The couples of ``subject`` whose part of the record ``actor`` may
    export (can_export_record in SQL): a client's own couples, a counselor's
    caseload couples the client belongs to, every couple of the client for a
    practice admin; none for anyone else."""
    if not _active(actor) or subject.role != Role.CLIENT:
        return Couple.objects.none()
    if actor.role == Role.CLIENT and actor.pk != subject.pk:
        return Couple.objects.none()
    if actor.role not in (Role.CLIENT, Role.COUNSELOR, Role.PRACTICE_ADMIN):
        return Couple.objects.none()
    return couples_visible_to(actor).filter(Q(partner_one=subject) | Q(partner_two=subject))
