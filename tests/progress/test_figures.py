"""The dashboard's and the progress page's figures equal a plain recomputation
from the raw rows, on seeded generated caseloads (weeks with nothing due included)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from accounts.models import Couple
from exercises.models import Occurrence, Response, TemplateKind
from progress import selectors
from progress.figures import dashboard_figures, progress_figures
from progress.models import MeasureScore
from progress.serializers import DashboardRowSerializer, dashboard_data
from scheduling.models import Appointment
from tests.factories import CounselorFactory
from tests.progress.generate import generate


def rate(done, due):
    return None if due == 0 else round(100 * done / due)


def recompute_dashboard(counselor, now):
    """Every dashboard figure from the raw rows, in plain Python."""
    couples = {c.pk: c for c in Couple.objects.filter(primary_counselor=counselor, status__in=["active", "paused"])}
    occurrences = list(
        Occurrence.objects.values("id", "assignment__couple_id", "assignment__status", "due_at", "completed_at")
    )
    responses = list(
        Response.objects.values(
            "occurrence_id",
            "author_id",
            "state",
            "submitted_at",
            "reviewed_at",
            "occurrence__assignment__couple_id",
            "occurrence__assignment__template__kind",
        )
    )
    scores = list(MeasureScore.objects.values("id", "couple_id", "partner_id", "measure_id", "score", "submitted_at"))
    appointments = list(Appointment.objects.values("couple_id", "start", "status"))
    submitted_by = defaultdict(set)
    for r in responses:
        if r["state"] == "submitted":
            submitted_by[r["occurrence_id"]].add(r["author_id"])
    expected = {}
    for pk, couple in couples.items():
        mine = [o for o in occurrences if o["assignment__couple_id"] == pk]
        recent = [o for o in mine if now - timedelta(days=28) <= o["due_at"] < now]
        partners = []
        for partner in couple.partners:
            done = sum(1 for o in recent if submitted_by[o["id"]] & {partner.pk, None})
            own = sorted(
                (s for s in scores if s["couple_id"] == pk and s["partner_id"] == partner.pk),
                key=lambda s: (s["submitted_at"], s["id"]),
            )
            latest = own[-1] if own else None
            same = [s for s in own[:-1] if latest and s["measure_id"] == latest["measure_id"]]
            change = latest["score"] - same[-1]["score"] if same else None
            partners.append((partner.pk, done, rate(done, len(recent)), latest and latest["score"], change))
        couple_responses = [r for r in responses if r["occurrence__assignment__couple_id"] == pk]
        submitted = [r for r in couple_responses if r["state"] == "submitted"]
        last = max((r["submitted_at"] for r in submitted), default=None)
        upcoming = [
            a["start"]
            for a in appointments
            if a["couple_id"] == pk and a["status"] == "confirmed" and a["start"] >= now
        ]
        expected[pk] = {
            "due": len(recent),
            "partners": partners,
            "overdue": sum(
                1
                for o in mine
                if o["due_at"] < now and o["completed_at"] is None and o["assignment__status"] == "active"
            ),
            # A ritual's logs (a practice exercise) are not answers waiting for review.
            "waiting": sum(
                1
                for r in submitted
                if r["reviewed_at"] is None and r["occurrence__assignment__template__kind"] != TemplateKind.PRACTICE
            ),
            "last_activity": last,
            "next_appointment": min(upcoming, default=None),
        }
    return expected


def shown(row):
    figures = dashboard_figures(row)
    return {
        "due": figures["due_last_4_weeks"],
        "partners": [
            (
                p["partner"],
                p["done_last_4_weeks"],
                p["completion_rate_last_4_weeks"],
                p["latest_score"],
                p["score_change"],
            )
            for p in figures["partners"]
        ],
        "overdue": figures["overdue"],
        "waiting": figures["waiting_for_review"],
        "last_activity": figures["last_activity"],
        "next_appointment": figures["next_appointment"],
    }


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_dashboard_equals_a_recomputation_from_the_raw_rows(seed, counselor, intimacy):
    now = timezone.now()
    generate(counselor, 12, now=now, seed=seed)
    rows = selectors.dashboard(counselor, now=now)
    expected = recompute_dashboard(counselor, now)
    assert {row.couple.pk: shown(row) for row in rows} == expected
    # The generated caseload exercises every figure, not just zeros.
    values = list(expected.values())
    assert any(v["waiting"] for v in values) and any(v["overdue"] for v in values)
    assert any(p[4] is not None for v in values for p in v["partners"])
    assert any(v["next_appointment"] for v in values) and any(v["due"] for v in values)
    # ... and has unreviewed ritual logs, which do not count as waiting for review.
    assert Response.objects.filter(
        occurrence__assignment__couple__primary_counselor=counselor,
        occurrence__assignment__template__kind=TemplateKind.PRACTICE,
        state="submitted",
        reviewed_at__isnull=True,
    ).exists()


def recompute_weeks(couple, now):
    """Due and done per partner in each of the last 12 local weeks, None where nothing was due."""
    zone = ZoneInfo(couple.time_zone)
    today = now.astimezone(zone).date()
    this_monday = today - timedelta(days=today.weekday())
    done_by = defaultdict(set)
    for r in Response.objects.filter(state="submitted", occurrence__assignment__couple=couple).values(
        "occurrence_id", "author_id"
    ):
        done_by[r["occurrence_id"]].add(r["author_id"])
    weeks = [{p.pk: [0, 0] for p in couple.partners} for _ in range(12)]
    for o in Occurrence.objects.filter(assignment__couple=couple).values("id", "due_at"):
        if o["due_at"] >= now:
            continue
        local = o["due_at"].astimezone(zone).date()
        index = 11 + ((local - timedelta(days=local.weekday())) - this_monday).days // 7
        if 0 <= index < 12:
            for p in couple.partners:
                weeks[index][p.pk][0] += 1
                weeks[index][p.pk][1] += bool(done_by[o["id"]] & {p.pk, None})
    return [{pk: (due, done, rate(done, due)) for pk, (due, done) in week.items()} for week in weeks]


@pytest.mark.parametrize("seed", [4, 5])
def test_the_weekly_completion_equals_a_recomputation_including_weeks_with_nothing_due(seed, counselor, intimacy):
    now = timezone.now()
    couples = generate(counselor, 8, now=now, seed=seed)
    empty_weeks = 0
    for couple in couples:
        figures = progress_figures(selectors.couple_progress(couple, counselor, now=now))
        page = [
            {p["partner"]: (p["due"], p["done"], p["rate"]) for p in week["partners"]} for week in figures["completion"]
        ]
        assert page == recompute_weeks(couple, now)
        empty_weeks += sum(1 for week in page if all(rate is None for _, _, rate in week.values()))
    assert empty_weeks > 0  # the generated data has weeks without any assignment, shown as None, not 0%


def test_the_score_series_equal_the_stored_scores_in_time_order(counselor, intimacy):
    now = timezone.now()
    couple = generate(counselor, 3, now=now, seed=6)[0]
    figures = progress_figures(selectors.couple_progress(couple, counselor, now=now))
    page = {p["partner"]: [s["score"] for s in p["scores"]] for m in figures["measures"] for p in m["partners"]}
    stored = defaultdict(list)
    for s in MeasureScore.objects.filter(couple=couple).order_by("submitted_at", "pk"):
        stored[s.partner_id].append(s.score)
    assert page == dict(stored)


def test_the_progress_api_gives_the_same_figures_as_the_page(counselor, intimacy, as_user):
    now = timezone.now()
    couple = generate(counselor, 2, now=now, seed=7)[0]
    client = as_user(counselor)
    api = client.get(f"/api/v1/couples/{couple.pk}/progress/").json()
    page = client.get(f"/couples/{couple.pk}/progress/").context["figures"]
    assert [[(p["due"], p["done"], p["rate"]) for p in w["partners"]] for w in api["completion"]] == [
        [(p["due"], p["done"], p["rate"]) for p in w["partners"]] for w in page["completion"]
    ]
    assert [[str(s["score"]) for s in p["scores"]] for m in api["measures"] for p in m["partners"]] == [
        [str(s["score"]) for s in p["scores"]] for m in page["measures"] for p in m["partners"]
    ]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_the_dashboard_api_renders_exactly_what_its_serializer_would(zone, counselor, intimacy):
    """The API skips DRF's field-by-field serializer for speed; the serializer
    stays the documented shape, and the rendered JSON is byte for byte the same."""
    now = timezone.now()
    generate(counselor, 12, now=now, seed=8)
    rows = selectors.dashboard(counselor, now=now, status="all")
    with timezone.override(zone):
        data = dashboard_data(rows)
        expected = DashboardRowSerializer([dashboard_figures(row) for row in rows], many=True).data
    assert JSONRenderer().render(data) == JSONRenderer().render(expected)
    partners = [p for row in data for p in row["partners"]]
    assert any(p["score_change"] and p["score_change"].startswith("-") for p in partners)
    assert any(row["next_appointment"] for row in data) and any(row["last_activity"] for row in data)


def test_the_dashboard_shows_each_couple_once_whether_primary_or_other_counselor(counselor, other_counselor, intimacy):
    """Dana's caseload: her own couple, which has two other counselors, and
    one of Owen's on which she is another counselor; each once, with figures
    equal to a recomputation (not multiplied by the other counselors)."""
    third = CounselorFactory()
    now = timezone.now()
    (mine,) = generate(counselor, 1, now=now, seed=13)
    (theirs,) = generate(other_counselor, 1, now=now, seed=14)
    mine.other_counselors.add(other_counselor, third)
    theirs.other_counselors.add(counselor, third)
    rows = selectors.dashboard(counselor, now=now, status="all")
    assert sorted(row.couple.pk for row in rows) == sorted([mine.pk, theirs.pk])
    expected = {mine.pk: recompute_dashboard(counselor, now)[mine.pk]}
    expected[theirs.pk] = recompute_dashboard(other_counselor, now)[theirs.pk]
    assert {row.couple.pk: shown(row) for row in rows} == expected
    assert sorted(row.couple.pk for row in selectors.dashboard(third, now=now, status="all")) == sorted(expected)
