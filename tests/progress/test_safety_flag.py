"""The caseload dashboard marks a couple whose partner's safety screen needs
the counselor's attention: no content, computed in the rows' one statement,
and never on the printable summary's reasons."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts import services as account_services
from progress import selectors
from tests.progress.generate import generate

pytestmark = pytest.mark.django_db

FLAG = "Safety screen: needs your attention"


def test_a_flagged_couple_comes_first_with_the_flag(counselor, couple):
    generate(counselor, 3, now=timezone.now(), seed=21)
    account_services.risk_flag_raise(partner=couple.partner_two)

    rows = selectors.dashboard(counselor, now=timezone.now())

    assert rows[0].couple.pk == couple.pk and rows[0].risk_flag
    assert not any(row.risk_flag for row in rows[1:])


def test_a_reviewed_flag_is_no_longer_marked(counselor, couple):
    account_services.risk_flag_raise(partner=couple.partner_one)
    account_services.risk_flag_review(actor=counselor, partner=couple.partner_one)

    (row,) = selectors.dashboard(counselor, now=timezone.now())

    assert not row.risk_flag


def test_the_flag_is_not_among_the_reasons_a_summary_prints(counselor, couple):
    account_services.risk_flag_raise(partner=couple.partner_one)

    (row,) = selectors.dashboard(counselor, now=timezone.now())

    assert row.needs_attention and not any("afety" in reason for reason in row.reasons)


def test_the_dashboard_page_shows_the_flag_to_the_counselor(counselor, couple, as_user):
    account_services.risk_flag_raise(partner=couple.partner_one)

    assert FLAG in as_user(counselor).get("/dashboard/").content.decode()


def test_the_dashboard_with_flags_takes_the_queries_it_takes_without(
    counselor, couple, intimacy, as_user, django_assert_num_queries
):
    generate(counselor, 5, now=timezone.now(), seed=22)
    client = as_user(counselor)
    assert client.get("/dashboard/").status_code == 200  # warm per-process caches
    with django_assert_num_queries(7):  # as pinned in test_query_counts
        client.get("/dashboard/")
    account_services.risk_flag_raise(partner=couple.partner_one)

    with django_assert_num_queries(7):
        assert FLAG in client.get("/dashboard/").content.decode()


def test_another_counselor_never_sees_the_flag(other_counselor, couple, other_couple, as_user):
    account_services.risk_flag_raise(partner=couple.partner_one)

    assert FLAG not in as_user(other_counselor).get("/dashboard/").content.decode()
