"""What every part of the policy shares: the staff roles and what "active" means."""

from __future__ import annotations

from accounts.models import Role, User

STAFF_ROLES = (Role.PRACTICE_ADMIN, Role.COUNSELOR)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def is_practice_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.PRACTICE_ADMIN)
