"""Named queries of retention: whose content is due for erasure, what comes
next, what was erased, and the requests to close an account."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.http import QueryDict

from accounts.models import Couple, CoupleStatus
from portal import paging
from retention.models import AccountClosureRequest, ClosureState, Erasure
from retention.periods import years_after, years_before

UPCOMING_DAYS = 31


def couples_past_retention(*, now: datetime, years: int) -> QuerySet[Couple]:
    """Closed couples whose content has been kept ``years`` since their
    closing and is not erased yet, the longest closed first."""
    return Couple.objects.filter(
        status=CoupleStatus.CLOSED, closed_at__lte=years_before(now, years), erasure__isnull=True
    ).order_by("closed_at", "pk")


@dataclass(frozen=True)
class UpcomingErasure:
    couple: Couple
    erased_on_or_after: datetime


def erasures_upcoming(
    *, now: datetime, years: int, query: QueryDict, days: int = UPCOMING_DAYS
) -> paging.Page[UpcomingErasure]:
    """The page ``query`` asks for of closed couples whose period runs out
    within ``days`` (those already past it included: the next daily run
    takes them), soonest first. One query."""
    couples = (
        Couple.objects.filter(
            status=CoupleStatus.CLOSED,
            closed_at__lte=years_before(now + timedelta(days=days), years),
            erasure__isnull=True,
        )
        .select_related("partner_one", "partner_two")
        .order_by("closed_at", "pk")
    )
    page = paging.page_of(couples, query)
    return replace(
        page,
        items=[
            UpcomingErasure(couple=c, erased_on_or_after=years_after(c.closed_at, years))
            for c in page
            if c.closed_at is not None
        ],
    )


def erasures_recent(*, limit: int = 20) -> list[Erasure]:
    return list(Erasure.objects.select_related("couple__partner_one", "couple__partner_two")[:limit])


def closure_requests_open() -> list[AccountClosureRequest]:
    return list(AccountClosureRequest.objects.filter(state=ClosureState.OPEN).select_related("user"))


def closure_request_latest(user_id: int) -> AccountClosureRequest | None:
    """The client's most recent request, open or decided."""
    return AccountClosureRequest.objects.filter(user_id=user_id).order_by("-requested_at", "-pk").first()
