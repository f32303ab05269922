"""Private calendar feeds (iCalendar subscriptions): turning a user's feed on,
giving it a new secret address, and turning it off.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import AuditAction, User
from accounts.services import audit_record
from scheduling.models import (
    CalendarFeed,
    new_feed_token,
)


@transaction.atomic
def calendar_feed_enable(*, user: User) -> CalendarFeed:
    """The user's feed, made on first use."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if created:
        audit_record(actor=user, action=AuditAction.CALENDAR_FEED_ENABLED, target=feed)
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, user: User) -> CalendarFeed:
    """A new secret URL; the old one stops working at once."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    audit_record(actor=user, action=AuditAction.CALENDAR_FEED_REGENERATED, target=feed)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    feed = CalendarFeed.objects.filter(user=user).first()
    if feed is not None:
        audit_record(actor=user, action=AuditAction.CALENDAR_FEED_REVOKED, target=feed)
        feed.delete()
