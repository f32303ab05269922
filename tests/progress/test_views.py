"""The dashboard is the counselor's home and puts those needing attention
first, with the reason; filters; the progress page's chart and table; the
CSV export and the printable summary."""

from __future__ import annotations

import csv
import io
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import CoupleStatus
from exercises.models import Assignment, Occurrence, Response
from progress import selectors
from progress.models import MeasureScore
from tests.factories import ClientFactory, CoupleFactory
from tests.progress.helpers import ALL_FOURS


def _assignment(couple, counselor, template, now):
    return Assignment.objects.create(
        template=template,
        couple=couple,
        assigned_by=counselor,
        fields=template.fields,
        completion_mode=template.completion_mode,
        visibility=template.visibility,
        starts_on=now.date(),
        rrule="FREQ=WEEKLY",
        due_time=time(19, 0),
        generate_from=now - timedelta(days=60),
    )


def _couple(counselor, name, *, days_ago=30):
    return CoupleFactory(
        partner_one=ClientFactory(full_name=f"{name} One"),
        partner_two=ClientFactory(full_name=f"{name} Two"),
        primary_counselor=counselor,
        started_on=timezone.localdate() - timedelta(days=days_ago),
    )


@pytest.fixture
def caseload(counselor, intimacy):
    """Five couples on Dana's caseload, each in one situation."""
    from progress.services import measure_template

    now = timezone.now()
    template = measure_template(measure=intimacy, counselor=counselor)
    couples = {name: _couple(counselor, name) for name in ("Waiting", "Overdue", "Falling", "Quiet", "Fine")}

    def submit(couple, author, due, answers=ALL_FOURS, reviewed=True, score=None):
        occurrence = Occurrence.objects.create(
            assignment=_assignment(couple, counselor, template, now), sequence=1, due_at=due, completed_at=due
        )
        response = Response.objects.create(
            occurrence=occurrence,
            author=author,
            last_edited_by=author,
            state="submitted",
            answers=answers,
            submitted_at=due,
            reviewed_at=due if reviewed else None,
            reviewed_by=counselor if reviewed else None,
        )
        if score is not None:
            MeasureScore.objects.filter(response=response).delete()
            MeasureScore.objects.create(
                response=response, measure=intimacy, couple=couple, partner=author, score=score, submitted_at=due
            )
        return occurrence

    c = couples["Waiting"]
    submit(c, c.partner_one, now - timedelta(days=1), reviewed=False)
    c = couples["Overdue"]
    Occurrence.objects.create(
        assignment=_assignment(c, counselor, template, now), sequence=1, due_at=now - timedelta(days=2)
    )
    submit(c, c.partner_one, now - timedelta(days=1))
    c = couples["Falling"]
    submit(c, c.partner_one, now - timedelta(days=9), score=Decimal("4.00"))
    submit(c, c.partner_one, now - timedelta(days=2), score=Decimal("3.50"))
    c = couples["Fine"]
    submit(c, c.partner_one, now - timedelta(days=1))
    return couples


def test_the_counselor_s_home_is_the_dashboard(counselor, as_user):
    assert as_user(counselor).get("/").url == "/dashboard/"


def test_the_dashboard_puts_those_needing_attention_first_with_the_reason(caseload, counselor, as_user):
    rows = as_user(counselor).get("/dashboard/").context["rows"]
    order = [row.couple.partner_one.full_name.split()[0] for row in rows]
    assert order == ["Waiting", "Overdue", "Falling", "Quiet", "Fine"]
    reasons = {row.couple.partner_one.full_name.split()[0]: row.reasons for row in rows}
    assert reasons["Waiting"] == ["1 submission waiting for review"]
    assert reasons["Overdue"] == ["1 exercise overdue"]
    assert reasons["Falling"] == ["Falling One's score fell by 0.50"]
    assert reasons["Quiet"] == ["No activity yet"]
    assert reasons["Fine"] == []


def test_the_dashboard_api_shows_the_same_rows_and_reasons(caseload, counselor, as_user):
    rows = as_user(counselor).get("/api/v1/dashboard/").json()
    assert [row["reasons"] for row in rows][:2] == [["1 submission waiting for review"], ["1 exercise overdue"]]
    falling = next(row for row in rows if row["name"].startswith("Falling"))
    assert falling["partners"][0]["latest_score"] == "3.50" and falling["partners"][0]["score_change"] == "-0.50"


def test_the_dashboard_searches_by_name(caseload, counselor, as_user):
    rows = as_user(counselor).get("/dashboard/", {"q": "quiet"}).context["rows"]
    assert [row.couple.pk for row in rows] == [caseload["Quiet"].pk]


def test_the_dashboard_filters_by_status(caseload, counselor, as_user):
    caseload["Fine"].status = CoupleStatus.CLOSED
    caseload["Fine"].save()
    client = as_user(counselor)
    assert caseload["Fine"].pk not in [r.couple.pk for r in client.get("/dashboard/").context["rows"]]
    closed = client.get("/dashboard/", {"status": "closed"}).context["rows"]
    assert [row.couple.pk for row in closed] == [caseload["Fine"].pk]


def test_the_dashboard_can_show_only_those_needing_attention(caseload, counselor, as_user):
    rows = as_user(counselor).get("/dashboard/", {"attention": "1"}).context["rows"]
    assert caseload["Fine"].pk not in [row.couple.pk for row in rows] and len(rows) == 4


def test_the_progress_page_draws_the_scores_as_an_svg_with_a_title_a_description_and_a_table(
    caseload, counselor, as_user
):
    page = as_user(counselor).get(f"/couples/{caseload['Falling'].pk}/progress/").content.decode()
    assert '<svg class="chart" role="img"' in page
    assert '<title id="chart-0-title">Emotional intimacy check: each partner' in page
    assert '<desc id="chart-0-desc">' in page and "Falling One:" in page
    assert "<caption>The figures in the chart</caption>" in page and "<td>3.50</td>" in page
    assert "nothing assigned" in page  # weeks with nothing due are not 0%


def test_the_csv_export_has_each_score_and_each_week(caseload, counselor, as_user):
    response = as_user(counselor).get(f"/couples/{caseload['Falling'].pk}/progress/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["score"] for r in rows if r["record"] == "score"] == ["4.00", "3.50"]
    weeks = [r for r in rows if r["record"] == "completion"]
    assert len(weeks) == 24  # 12 weeks, 2 partners
    assert any(r["due"] == "0" and r["completion_percent"] == "" for r in weeks)


def test_the_csv_gives_score_times_in_the_viewers_zone_not_raw_iso(caseload, counselor, as_user):
    from zoneinfo import ZoneInfo

    counselor.time_zone = "America/New_York"
    counselor.save()
    response = as_user(counselor).get(f"/couples/{caseload['Falling'].pk}/progress/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    first = MeasureScore.objects.filter(couple=caseload["Falling"]).order_by("submitted_at").first()
    expected = first.submitted_at.astimezone(ZoneInfo("America/New_York")).strftime("%Y-%m-%d %H:%M")
    assert next(r["date"] for r in rows if r["record"] == "score") == expected


def test_the_progress_page_s_scrolling_figures_table_can_be_reached_by_keyboard(caseload, counselor, as_user):
    page = as_user(counselor).get(f"/couples/{caseload['Falling'].pk}/progress/").content.decode()
    assert 'class="table-wrap chart-table" tabindex="0" role="region" aria-label="' in page


def test_the_session_summary_is_one_printable_page(caseload, counselor, as_user):
    response = as_user(counselor).get(f"/couples/{caseload['Waiting'].pk}/progress/summary/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 submission waiting for review" in page and 'class="print-summary"' in page


def test_a_ritual_log_is_not_a_submission_waiting_for_review(counselor, couple, as_user):
    """A ritual (a practice exercise) is followed by its confirmed periods and
    streaks; its logs never wait for the counselor's review, unlike an answer."""
    from exercises import services as exercise_services
    from exercises.models import ExerciseTemplate

    def assign_and_submit(slug, answers):
        assignment = exercise_services.assignment_create(
            counselor=counselor,
            couple=couple,
            template=ExerciseTemplate.objects.get(slug=slug, owner=None),
            starts_on=timezone.localdate(),
            due_on=timezone.localdate() + timedelta(days=1),
            due_time=time(19, 0),
        )
        occurrence = Occurrence.objects.get(assignment=assignment)
        return exercise_services.response_submit(occurrence=occurrence, user=couple.partner_one, answers=answers)

    log = assign_and_submit("rituals-of-connection", {"ritual": "morning_coffee", "happened": True, "minutes": 20})
    row = selectors.dashboard_row(counselor, couple, now=timezone.now())
    assert row is not None and log.reviewed_at is None
    assert row.waiting == 0 and row.reasons == [] and not row.needs_attention
    assert row.last_activity == log.submitted_at  # logging a ritual is activity all the same

    answer = assign_and_submit(
        "weekly-check-in", {"high": "A walk.", "low": "Traffic.", "appreciation": "Dinner.", "request": "Call me."}
    )
    api = as_user(counselor).get("/api/v1/dashboard/").json()
    assert [(r["waiting_for_review"], r["reasons"]) for r in api] == [(1, ["1 submission waiting for review"])]
    exercise_services.response_mark_reviewed(response=answer, counselor=counselor)
    row = selectors.dashboard_row(counselor, couple, now=timezone.now())
    assert row is not None and row.waiting == 0 and not row.needs_attention


def test_the_dashboard_shows_that_the_client_confirmed_the_next_session(couple, dana, book, tuesday, as_user):
    from scheduling.models import Appointment

    appointment = book(tuesday, "10:00")
    Appointment.objects.filter(pk=appointment.pk).update(client_confirmed_at=timezone.now())
    html = as_user(dana).get("/dashboard/").content.decode()
    assert "Client confirmed" in html
