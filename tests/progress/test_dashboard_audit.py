"""The caseload dashboard shows scores derived from answers: every view of it
is audited, with one row per view (not per couple)."""

import pytest

from accounts.models import AuditEvent
from tests.progress.helpers import ALL_FOURS


@pytest.fixture
def scored(intimacy, assign_measure, first_occurrence, answer, partner, other_partner):
    occurrence = first_occurrence(assign_measure(intimacy))
    answer(occurrence, partner, ALL_FOURS)
    answer(occurrence, other_partner, ALL_FOURS)


def score_reads(counselor):
    return AuditEvent.objects.filter(actor=counselor, action="measure_scores.viewed")


@pytest.mark.parametrize("url", ["/dashboard/", "/api/v1/dashboard/"])
def test_viewing_the_dashboard_with_scores_writes_one_audit_row(url, scored, counselor, couple, as_user):
    assert as_user(counselor).get(url).status_code == 200
    (event,) = score_reads(counselor)
    assert event.details["couples"] == [couple.pk]


def test_a_dashboard_without_scores_records_no_score_read(counselor, couple, as_user):
    as_user(counselor).get("/dashboard/")
    assert not score_reads(counselor).exists()
