"""Progress: measures, scores, the caseload dashboard. See portal/policy/__init__.py for the rules as a whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accounts.models import Role, User

if TYPE_CHECKING:
    from progress.models import Measure
from portal.policy.base import _active


def can_use_measure(user: User, measure: Measure) -> bool:
    """Assign a measure: a built-in, or one of the counselor's own."""
    return bool(user.is_active and user.role == Role.COUNSELOR and measure.owner_id in (None, user.pk))


def can_write_measures(user: User) -> bool:
    """Choose measures and write one's own: active counselors."""
    return _active(user) and user.role == Role.COUNSELOR


def has_caseload(user: User) -> bool:
    """The caseload dashboard, a couple's CSV and printable summary: active
    counselors (each couple's figures only for their own caseload)."""
    return _active(user) and user.role == Role.COUNSELOR


def follows_both_partners(viewer: User) -> bool:
    """Among a couple's progress viewers (its counselors and partners), the
    counselors follow both partners' completion and every ritual."""
    return viewer.role == Role.COUNSELOR


def sees_progress_as_partner(viewer: User) -> bool:
    """Among a couple's progress viewers, the partners see only the rituals
    whose logs are shared between them (as on their practice page)."""
    return viewer.role == Role.CLIENT
