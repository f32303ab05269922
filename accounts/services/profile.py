"""A user's own profile."""

from __future__ import annotations

from accounts.models import AuditAction, User
from accounts.services.audit import audit_record


def user_update_profile(*, user: User, full_name: str, time_zone: str, phone: str) -> User:
    user.full_name = full_name.strip()
    user.time_zone = time_zone
    user.phone = phone.strip()
    user.full_clean(exclude=["password"])
    user.save(update_fields=["full_name", "time_zone", "phone"])
    audit_record(actor=user, action=AuditAction.USER_PROFILE_UPDATED, target=user)
    return user
