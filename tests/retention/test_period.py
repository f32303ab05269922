"""The retention period: the practice's setting, and counting whole years."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import services as account_services
from accounts.models import AuditAction, AuditEvent, CoupleStatus
from retention import services
from retention.models import RetentionSettings
from retention.periods import years_after, years_before


def test_a_period_counts_whole_calendar_years():
    assert years_before(datetime(2026, 3, 1, 9, 30, tzinfo=UTC), 7) == datetime(2019, 3, 1, 9, 30, tzinfo=UTC)


def test_a_leap_day_counts_to_the_28th_of_february():
    assert years_after(datetime(2024, 2, 29, tzinfo=UTC), 7) == datetime(2031, 2, 28, tzinfo=UTC)


@pytest.mark.django_db
def test_the_default_period_is_seven_years():
    assert RetentionSettings.load().years == 7


@pytest.mark.django_db
def test_a_practice_admin_sets_the_period(practice_admin):
    services.retention_set(actor=practice_admin, years="10")

    assert RetentionSettings.load().years == 10
    event = AuditEvent.objects.get(action=AuditAction.RETENTION_CHANGED)
    assert (event.details["previous"], event.details["years"]) == (None, 10)


@pytest.mark.django_db
@pytest.mark.parametrize("years", ["0", "31", "seven", ""])
def test_a_period_out_of_range_is_refused_naming_the_field(practice_admin, years):
    with pytest.raises(ValidationError) as refused:
        services.retention_set(actor=practice_admin, years=years)
    assert "years" in refused.value.message_dict


@pytest.mark.django_db
def test_a_counselor_cannot_set_the_period(counselor):
    with pytest.raises(PermissionDenied):
        services.retention_set(actor=counselor, years=3)


@pytest.mark.django_db
def test_closing_a_couple_stamps_when(couple, counselor):
    account_services.couple_set_status(couple=couple, status=CoupleStatus.CLOSED, actor=counselor)

    couple.refresh_from_db()
    assert couple.closed_at is not None


@pytest.mark.django_db
def test_reopening_a_couple_clears_when_it_was_closed(couple, counselor):
    account_services.couple_set_status(couple=couple, status=CoupleStatus.CLOSED, actor=counselor)
    account_services.couple_set_status(couple=couple, status=CoupleStatus.ACTIVE, actor=counselor)

    couple.refresh_from_db()
    assert couple.closed_at is None
