"""Reminders and who gets which. See portal/policy/__init__.py for the rules as a whole."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import Role, User


def can_manage_reminders(user: User) -> bool:
    """See failed reminders and resend them: practice admins. The list names
    clients and their addresses, never clinical content."""
    return bool(user.is_authenticated and user.is_active and (user.role == Role.PRACTICE_ADMIN or user.is_superuser))


def gets_exercise_reminders(user: User) -> bool:
    """Partners (clients): exercise reminders, "your partner has finished",
    appointment reminders and notices; never the staff's e-mails (requests,
    intakes, the weekly digest)."""
    return user.role == Role.CLIENT


def gets_weekly_digest(user: User) -> bool:
    """Counselors get a weekly digest of their caseload."""
    return user.role == Role.COUNSELOR


def weekly_digest_recipients() -> QuerySet[User]:
    """Whose weekly digest is planned: the active counselors."""
    return User.objects.filter(role=Role.COUNSELOR, is_active=True)


def front_desk() -> QuerySet[User]:
    """Who is told of every appointment request and intake: the active
    practice admins."""
    return User.objects.filter(is_active=True, role=Role.PRACTICE_ADMIN)
