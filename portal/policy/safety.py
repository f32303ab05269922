"""A partner's safety: safety mode and the safety screen's flag. See
portal/policy/__init__.py for the rules as a whole.

Only the counselors of the couple's caseload see or change a partner's
safety state: never the practice admin (the front desk has no need to know
who was screened as at risk), never either partner.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist

from accounts.models import Couple, Role, User
from portal.policy.base import _active
from portal.policy.couples import is_on_caseload


def can_manage_safety(user: User, couple: Couple) -> bool:
    """Switch a partner's safety mode, mark their screen flag reviewed."""
    return _active(user) and is_on_caseload(user, couple)


def can_see_risk_flag(user: User, couple: Couple) -> bool:
    """See that a partner's safety screen needs attention (never what it said)."""
    return _active(user) and is_on_caseload(user, couple)


def in_safety_mode(user: User) -> bool:
    """Whether e-mails, notices and pages for this user follow safety mode.
    No query for anyone but a client; for a client one, kept on the user
    object (``user.safety``) for the rest of the request."""
    if not user.is_authenticated or user.role != Role.CLIENT:
        return False
    try:
        return bool(user.safety.safety_mode)
    except ObjectDoesNotExist:
        return False
