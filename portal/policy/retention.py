"""Retention and closing an account. See portal/policy/__init__.py for the rules as a whole.

- A **practice admin** sets how long a closed couple's clinical content is
  kept, sees what will be erased next, and decides each request to close an
  account (clinical records have a legal retention: nothing is deleted on a
  client's word).
- A **client** asks the practice to close their account; they may have one
  request open at a time.
- Counselors do neither: the practice keeps its records.
"""

from __future__ import annotations

from accounts.models import Role, User
from portal.policy.base import _active, is_practice_admin


def can_manage_retention(user: User) -> bool:
    """The retention page: the period, what is erased next, closure requests."""
    return is_practice_admin(user)


def can_request_account_closure(user: User) -> bool:
    """Ask the practice to close one's own account: clients."""
    return _active(user) and user.role == Role.CLIENT


def can_decide_account_closure(user: User) -> bool:
    """Close a client's account on their request, or keep it open: practice admins."""
    return is_practice_admin(user)
