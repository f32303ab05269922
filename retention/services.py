"""Retention: the practice's period, the erasure of what is past it, and
clients' requests to close their account. Each function checks its own
permission (portal.policy), validates, locks what it must and audits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import AuditAction, Couple, CoupleStatus, User
from accounts.services import audit_record
from exercises import services as exercise_services
from messaging import services as messaging_services
from portal import policy
from portal.errors import require
from progress import services as progress_services
from retention import selectors
from retention.models import MAX_YEARS, AccountClosureRequest, ClosureState, Erasure, RetentionSettings
from retention.periods import years_before


@transaction.atomic
def retention_set(*, actor: User, years: Any) -> RetentionSettings:
    """The practice admin sets how many years a closed couple's clinical
    content is kept (1 to MAX_YEARS)."""
    require(policy.can_manage_retention(actor), gettext("Only a practice admin sets how long records are kept."))
    try:
        value = int(str(years).strip())
    except (TypeError, ValueError):
        raise ValidationError({"years": gettext("Give a whole number of years.")}) from None
    if not 1 <= value <= MAX_YEARS:
        raise ValidationError({"years": gettext("Keep records between 1 and %(max)d years.") % {"max": MAX_YEARS}})
    found = RetentionSettings.objects.select_for_update().filter(pk=RetentionSettings.SINGLETON_PK).first()
    settings = found or RetentionSettings(pk=RetentionSettings.SINGLETON_PK)
    previous = settings.years if found else None
    settings.years = value
    settings.updated_by = actor
    settings.save()
    audit_record(actor=actor, action=AuditAction.RETENTION_CHANGED, target=settings, previous=previous, years=value)
    return settings


def _erase_one(couple_id: int, *, now: datetime, years: int) -> Erasure | None:
    """Erase one couple's content in a transaction of its own, if it is still
    closed and past the period once locked (it may have been reopened)."""
    with transaction.atomic():
        couple = Couple.objects.select_for_update().filter(pk=couple_id).first()
        if (
            couple is None
            or couple.status != CoupleStatus.CLOSED
            or couple.closed_at is None
            or couple.closed_at > years_before(now, years)
            or Erasure.objects.filter(couple=couple).exists()
        ):
            return None
        counts = {
            **exercise_services.couple_exercise_content_erase(couple=couple),
            "measure_scores": progress_services.couple_scores_erase(couple=couple),
            **messaging_services.couple_messages_erase(couple=couple),
        }
        erasure = Erasure.objects.create(
            couple=couple, erased_at=now, closed_at=couple.closed_at, retention_years=years, counts=counts
        )
        audit_record(
            actor=None,
            action=AuditAction.CONTENT_ERASED,
            target=couple,
            closed_at=couple.closed_at.isoformat(),
            retention_years=years,
            counts=counts,
        )
        return erasure


def erase_past_retention(*, now: datetime | None = None, limit: int = 500) -> list[Erasure]:
    """The daily task's work: erase the clinical content of every closed
    couple kept for the practice's period (at most ``limit`` a run; the next
    run goes on), each couple in its own transaction, so a failure leaves
    the others done and the run can simply be repeated. A system action:
    audited without an actor."""
    now = now or timezone.now()
    years = RetentionSettings.load().years
    due = list(selectors.couples_past_retention(now=now, years=years).values_list("pk", flat=True)[:limit])
    return [erasure for couple_id in due if (erasure := _erase_one(couple_id, now=now, years=years))]


@transaction.atomic
def closure_request(*, user: User) -> AccountClosureRequest:
    """A client asks the practice to close their account. One open request at a time."""
    require(policy.can_request_account_closure(user), gettext("Only a client asks to close their account here."))
    User.objects.select_for_update().filter(pk=user.pk).first()  # one request at a time per person
    if AccountClosureRequest.objects.filter(user=user, state=ClosureState.OPEN).exists():
        raise ValidationError(gettext("You have already asked; the practice will get back to you."))
    request = AccountClosureRequest.objects.create(user=user)
    audit_record(actor=user, action=AuditAction.ACCOUNT_CLOSURE_REQUESTED, target=request)
    return request


@transaction.atomic
def closure_decide(
    *, actor: User, request: AccountClosureRequest, close: bool, reply: str = ""
) -> AccountClosureRequest:
    """The practice admin closes the client's account (they can no longer
    sign in and get no more e-mails; their records stay for the retention
    period) or keeps it open, with a reply to the client."""
    require(policy.can_decide_account_closure(actor), gettext("Only a practice admin decides on closing an account."))
    reply = " ".join((reply or "").split())
    if len(reply) > 1000:
        raise ValidationError({"reply": gettext("Keep the reply to 1,000 characters.")})
    if not close and not reply:
        raise ValidationError({"reply": gettext("Say why the account stays open: the client reads this.")})
    locked = AccountClosureRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if locked.state != ClosureState.OPEN:
        raise ValidationError(gettext("This request has already been decided."))
    now = timezone.now()
    locked.state = ClosureState.ACCOUNT_CLOSED if close else ClosureState.KEPT_OPEN
    locked.decided_at = now
    locked.decided_by = actor
    locked.reply = reply
    locked.save(update_fields=["state", "decided_at", "decided_by", "reply"])
    if close:
        client = locked.user
        client.is_active = False
        client.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action=AuditAction.ACCOUNT_CLOSURE_DECIDED, target=locked, user=locked.user_id, state=locked.state
    )
    return locked
