"""Who may do what with notifications (in the style of accounts.policy)."""

from __future__ import annotations

from accounts.models import Role, User


def can_manage_reminders(user: User) -> bool:
    """See failed reminders and resend them: practice admins. The list names
    clients and their addresses, never clinical content."""
    return bool(user.is_authenticated and user.is_active and (user.role == Role.PRACTICE_ADMIN or user.is_superuser))
