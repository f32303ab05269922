"""Who sees progress: the couple's counselors; the partners, within the reveal
rules; never a practice admin (404), another counselor (404), or a client
reading a counselor-only answer's score."""

from __future__ import annotations

import pytest

from progress.services import measure_create
from tests.progress.helpers import ALL_FOURS

PAGES = ["/couples/{}/progress/", "/api/v1/couples/{}/progress/"]


@pytest.mark.parametrize("url", PAGES)
def test_a_practice_admin_gets_404_on_a_couple_s_progress(url, practice_admin, couple, as_user):
    assert as_user(practice_admin).get(url.format(couple.pk)).status_code == 404


@pytest.mark.parametrize("url", PAGES)
def test_another_counselor_gets_404_on_a_couple_s_progress(url, other_counselor, couple, as_user):
    assert as_user(other_counselor).get(url.format(couple.pk)).status_code == 404


@pytest.mark.parametrize("url", ["/couples/{}/progress/export.csv", "/couples/{}/progress/summary/"])
def test_a_partner_gets_404_on_the_counselor_s_export_and_summary(url, partner, couple, as_user):
    assert as_user(partner).get(url.format(couple.pk)).status_code == 404


def test_a_practice_admin_has_no_dashboard(practice_admin, as_user):
    assert as_user(practice_admin).get("/dashboard/").status_code == 404
    assert as_user(practice_admin).get("/api/v1/dashboard/").status_code == 404


@pytest.fixture
def private_measure(counselor):
    return measure_create(
        owner=counselor,
        title="Private check",
        items=[{"key": k, "text": f"About {k}.", "reversed": k == "mutuality"} for k in ALL_FOURS],
        visibility="counselor_only",
    )


def _api_scores(client, couple):
    body = client.get(f"/api/v1/couples/{couple.pk}/progress/").json()
    return {p["name"]: [s["score"] for s in p["scores"]] for m in body["measures"] for p in m["partners"]}


def test_a_partner_never_sees_the_other_s_counselor_only_score(
    private_measure, assign_measure, first_occurrence, answer, partner, other_partner, couple, as_user
):
    occurrence = first_occurrence(assign_measure(private_measure))
    answer(occurrence, partner, ALL_FOURS)
    answer(occurrence, other_partner, {**ALL_FOURS, "trust": 1})
    client = as_user(partner)
    assert _api_scores(client, couple) == {partner.full_name: ["3.67"]}
    page = client.get(f"/couples/{couple.pk}/progress/").content.decode()
    assert f"<td>{partner.full_name}</td>" in page
    assert f"<td>{other_partner.full_name}</td>" not in page  # no row of theirs in the chart's table
    assert "3.17" not in page  # the other partner's score


def test_the_counselor_sees_both_counselor_only_scores(
    private_measure, assign_measure, first_occurrence, answer, partner, other_partner, couple, counselor, as_user
):
    occurrence = first_occurrence(assign_measure(private_measure))
    answer(occurrence, partner, ALL_FOURS)
    answer(occurrence, other_partner, {**ALL_FOURS, "trust": 1})
    assert _api_scores(as_user(counselor), couple) == {partner.full_name: ["3.67"], other_partner.full_name: ["3.17"]}


def test_after_both_a_partner_sees_the_other_s_score_only_once_they_have_submitted(
    intimacy, assign_measure, first_occurrence, answer, partner, other_partner, couple, as_user
):
    occurrence = first_occurrence(assign_measure(intimacy))
    answer(occurrence, other_partner, ALL_FOURS)
    assert _api_scores(as_user(partner), couple) == {}
    answer(occurrence, partner, {**ALL_FOURS, "trust": 1})
    assert _api_scores(as_user(partner), couple) == {partner.full_name: ["3.17"], other_partner.full_name: ["3.67"]}


def test_a_partner_sees_only_their_own_completion(partner, couple, as_user):
    body = as_user(partner).get(f"/api/v1/couples/{couple.pk}/progress/").json()
    assert body["partners"] == [{"id": partner.pk, "name": partner.full_name}]
    assert all(len(week["partners"]) == 1 for week in body["completion"])
