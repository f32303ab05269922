"""Staff management: who invites, edits and deactivates counselors, and who
moves a couple to another counselor. See portal/policy/__init__.py for the
rules as a whole."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Couple, Role, User
from portal.policy.base import is_practice_admin


def can_manage_staff(user: User) -> bool:
    """The Staff pages: invite, edit and deactivate counselors (practice admins)."""
    return is_practice_admin(user)


def staff_managed_by(user: User) -> QuerySet[User]:
    """The accounts a user manages as staff (every counselor, active or not,
    for a practice admin; no one for anyone else)."""
    if not can_manage_staff(user):
        return User.objects.none()
    return User.objects.filter(role=Role.COUNSELOR)


def staff_member_for(user: User, staff_id: Any) -> User:
    """The counselor with this id if the user manages them, else 404 (a client's
    or an admin's id reads the same as a missing one)."""
    try:
        return staff_managed_by(user).get(pk=int(staff_id))
    except (User.DoesNotExist, TypeError, ValueError):
        raise Http404("No such counselor.") from None


def can_deactivate_staff(user: User, member: User) -> bool:
    """A practice admin deactivates a counselor (never themself: someone must
    still be able to run the practice)."""
    return can_manage_staff(user) and member.role == Role.COUNSELOR and member.pk != user.pk


def can_reassign_couple(user: User, couple: Couple) -> bool:
    """Moving a couple to another counselor is the front desk's (practice admins)."""
    return is_practice_admin(user)


def new_staff_role() -> str:
    """The role an account invited from the Staff pages gets."""
    return Role.COUNSELOR
