"""A user's own profile."""

from __future__ import annotations

from accounts.models import AuditAction, User
from accounts.services.audit import audit_record


def user_update_profile(*, user: User, full_name: str, time_zone: str, phone: str, language: str | None = None) -> User:
    """One's name, time zone, phone and (unless None: left as it is) language,
    "" to follow the practice's (accounts.languages)."""
    user.full_name = full_name.strip()
    user.time_zone = time_zone
    user.phone = phone.strip()
    fields = ["full_name", "time_zone", "phone"]
    if language is not None:
        user.language = language
        fields.append("language")
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    audit_record(actor=user, action=AuditAction.USER_PROFILE_UPDATED, target=user)
    return user


def user_set_language(*, user: User, language: str) -> User:
    """A person's own choice of language ("" to follow the practice's, then the browser's)."""
    user.language = language
    user.full_clean(exclude=["password"])
    if User.objects.filter(pk=user.pk).exclude(language=language).update(language=language):
        audit_record(actor=user, action=AuditAction.USER_PROFILE_UPDATED, target=user)
    return user
