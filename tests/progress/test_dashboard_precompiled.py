"""The caseload dashboard's statement is compiled once per process
(progress.db.precompiled_rows): each later call must still get its own
counselor's couples and figures as of its own time, exactly what the ORM
computes for the same arguments."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from accounts.models import CoupleStatus
from progress import db
from progress.selectors.dashboard import _figures, dashboard_queryset
from tests.factories import CounselorFactory
from tests.progress.generate import generate

pytestmark = pytest.mark.django_db

OPEN = [CoupleStatus.ACTIVE, CoupleStatus.PAUSED]


def by_couple(rows: list[Any]) -> dict[int, tuple[Any, ...]]:
    return {row.pk: tuple(row) for row in rows}


def from_the_orm(counselor, now) -> dict[int, tuple[Any, ...]]:
    return by_couple(list(dashboard_queryset(counselor, now=now).filter(status__in=OPEN)))


@pytest.fixture
def fresh_statement():
    db._compiled.clear()
    yield
    db._compiled.clear()


def test_a_second_counselor_gets_their_own_couples_from_the_first_ones_statement(fresh_statement):
    now = timezone.now()
    dana, eli = CounselorFactory(full_name="Dana Reyes"), CounselorFactory(full_name="Eli Park")
    generate(dana, 3, now=now, seed=1)
    elis = generate(eli, 4, now=now, seed=2)

    _figures(dana, now=now, status="open", query="")  # compiles with Dana's call
    figures = by_couple(_figures(eli, now=now, status="open", query=""))

    assert set(figures) == {couple.pk for couple in elis}
    assert figures == from_the_orm(eli, now)


def test_a_later_call_counts_as_of_its_own_time(fresh_statement):
    now = timezone.now()
    dana = CounselorFactory(full_name="Dana Reyes")
    generate(dana, 3, now=now, seed=3)
    _figures(dana, now=now, status="open", query="")

    ten_days_on = now + timedelta(days=10)
    figures = by_couple(_figures(dana, now=ten_days_on, status="open", query=""))

    assert figures == from_the_orm(dana, ten_days_on)
    assert figures != by_couple(_figures(dana, now=now, status="open", query=""))


def test_a_statement_that_does_not_use_a_value_as_a_parameter_is_refused(fresh_statement):
    dana = CounselorFactory(full_name="Dana Reyes")

    def ignores_the_time(values):
        return dashboard_queryset(dana, now=timezone.now())

    with pytest.raises(ValueError, match="not parameters"):
        db.precompiled_rows(
            "test", build=ignores_the_time, samples=(-7_000_001, timezone.now() - timedelta(days=9999)), values=(1, 2)
        )
