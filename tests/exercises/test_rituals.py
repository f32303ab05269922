"""Rituals (practice exercises): each period confirmed, mismatched, skipped or
pending; current and longest streaks; when last logged; shown to the counselor
on the couple's page and to each partner on the practice's page."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from exercises import selectors, services
from exercises.models import Visibility
from exercises.selectors import RitualCheck

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LA)


def log(occurrence, user, happened: bool, *, at=None):
    answers = {"ritual": "morning_coffee", "happened": happened, "minutes": 20}
    services.response_submit(occurrence=occurrence, user=user, answers=answers, now=at)


@pytest.fixture
def daily_ritual(assign, builtin):
    """A daily ritual for Sam and Riley from 2026-03-03, due 08:00."""

    def make(template=None):
        return assign(
            template or builtin("rituals-of-connection"),
            due_on=None,
            rrule="FREQ=DAILY",
            starts_on=date(2026, 3, 3),
            due_time=time(8),
            now=NOW,
        )

    return make


def periods(assignment):
    return list(assignment.occurrences.order_by("due_at"))


def test_both_saying_no_is_skipped_and_no_log_is_pending(daily_ritual, partner, other_partner):
    assignment = daily_ritual()
    first, second, *_ = periods(assignment)
    log(first, partner, False)
    log(first, other_partner, False)
    checks = dict(selectors.ritual_summary(assignment, now=NOW).periods)
    assert (checks[first], checks[second]) == (RitualCheck.SKIPPED, RitualCheck.PENDING)


def test_an_open_period_logged_by_one_partner_waits_for_the_other_and_is_a_mismatch_once_closed(
    daily_ritual, partner, other_partner
):
    first, *_ = periods(daily_ritual())
    log(first, partner, True)
    summary = selectors.ritual_summary(first.assignment, now=NOW)
    assert dict(summary.periods)[first] == RitualCheck.AWAITING
    assert [p.not_logged for p in summary.recent if p.occurrence == first] == [other_partner]
    closed = selectors.ritual_summary(first.assignment, now=first.due_at + timedelta(hours=1))
    assert dict(closed.periods)[first] == RitualCheck.MISMATCH


def test_longest_streak_outlasts_a_break(daily_ritual, partner, other_partner):
    assignment = daily_ritual()
    days = periods(assignment)
    for day in days[:3]:  # three confirmed, then one only Sam logs, then one confirmed
        log(day, partner, True)
        log(day, other_partner, True)
    log(days[3], partner, True)
    log(days[4], partner, True)
    log(days[4], other_partner, True)
    summary = selectors.ritual_summary(assignment, now=days[4].due_at + timedelta(hours=1))
    assert (summary.streak, summary.longest_streak) == (1, 3)


def test_last_logged_is_the_latest_submitted_log(daily_ritual, partner, other_partner):
    assignment = daily_ritual()
    first, second, *_ = periods(assignment)
    log(first, partner, True, at=first.due_at)
    log(second, other_partner, False, at=second.due_at + timedelta(minutes=5))
    summary = selectors.ritual_summary(assignment, now=second.due_at + timedelta(hours=1))
    assert summary.last_logged_at == second.due_at + timedelta(minutes=5)


def test_a_joint_ritual_is_confirmed_by_its_one_answer(make_template, daily_ritual, partner, builtin):
    spec = builtin("rituals-of-connection")
    joint = make_template(fields=spec.fields, kind="practice", completion_mode="joint", visibility=Visibility.AT_ONCE)
    assignment = daily_ritual(joint)
    first, *_ = periods(assignment)
    log(first, partner, True)
    assert dict(selectors.ritual_summary(assignment, now=NOW).periods)[first] == RitualCheck.CONFIRMED


def test_a_partner_sees_the_other_partners_log_only_after_logging_when_after_both(
    make_template, daily_ritual, partner, other_partner, builtin
):
    template = make_template(fields=builtin("rituals-of-connection").fields, kind="practice")  # after both
    assignment = daily_ritual(template)
    first, *_ = periods(assignment)
    log(first, other_partner, True)
    as_sam = selectors.ritual_summary(assignment, now=NOW, viewer=partner)
    assert dict(as_sam.periods)[first] == RitualCheck.PENDING
    assert as_sam.last_logged_at is None
    log(first, partner, True)
    assert dict(selectors.ritual_summary(assignment, now=NOW, viewer=partner).periods)[first] == RitualCheck.CONFIRMED


def test_summaries_of_many_rituals_take_two_queries(daily_ritual, django_assert_num_queries):
    assignments = [daily_ritual() for _ in range(3)]
    with django_assert_num_queries(2):
        summaries = selectors.ritual_summaries(assignments, now=NOW)
    assert set(summaries) == {a.pk for a in assignments}


# --- Pages ---------------------------------------------------------------------------------


def test_the_couple_page_shows_each_rituals_log_and_audits_it(
    daily_ritual, partner, other_partner, counselor, couple, as_user
):
    assignment = daily_ritual()
    *_, first, second = periods(assignment)  # the latest two, which the page lists
    log(first, partner, True)
    log(first, other_partner, True)
    log(second, partner, True)
    html = as_user(counselor).get(f"/couples/{couple.pk}/exercises/").content.decode()
    assert "Ritual log" in html
    assert "Confirmed by both" in html and "Mismatch: only one says it happened" in html
    assert "Longest streak" in html and "Last logged" in html
    assert AuditEvent.objects.filter(action="ritual.summary_viewed", target_id=str(assignment.pk)).exists()


def test_the_couple_page_says_who_has_not_logged_an_open_period_yet(daily_ritual, partner, counselor, couple, as_user):
    first, *_ = periods(daily_ritual())
    log(first, partner, True)
    with time_machine.travel(NOW):
        html = as_user(counselor).get(f"/couples/{couple.pk}/exercises/").content.decode()
    assert "Riley has not logged it yet" in html and "Mismatch" not in html


def test_a_partner_sees_the_ritual_log_on_the_practice_page(daily_ritual, partner, other_partner, as_user):
    assignment = daily_ritual()
    *_, first = periods(assignment)
    log(first, partner, True)
    log(first, other_partner, True)
    html = as_user(partner).get(f"/exercises/occurrences/{first.pk}/").content.decode()
    assert "Ritual log" in html and "Confirmed by both" in html


def test_a_high_conflict_couple_sees_no_shared_ritual_log(daily_ritual, partner, counselor, couple, as_user):
    first, *_ = periods(daily_ritual())
    services.couple_set_high_conflict(couple=couple, counselor=counselor, high_conflict=True)
    html = as_user(partner).get(f"/exercises/occurrences/{first.pk}/").content.decode()
    assert "Ritual log" not in html
    assert "only your counselor sees whether you both logged it" in html


def test_a_one_off_exercise_page_has_no_ritual_log(builtin, assign, occurrence_of, partner, as_user):
    occurrence = occurrence_of(assign(builtin("i-statements")))
    assert "Ritual log" not in as_user(partner).get(f"/exercises/occurrences/{occurrence.pk}/").content.decode()


# --- A ritual's logs are followed through the streak, not reviewed one by one ----------


def test_a_ritual_log_cannot_be_marked_reviewed(daily_ritual, partner, counselor):
    first = periods(daily_ritual())[0]
    log(first, partner, True)
    with pytest.raises(ValidationError, match="streak"):
        services.response_mark_reviewed(response=first.responses.get(), counselor=counselor)
    assert first.responses.get().reviewed_at is None


def test_the_review_page_offers_no_mark_reviewed_on_a_ritual_log(daily_ritual, partner, counselor, as_user):
    first = periods(daily_ritual())[0]
    log(first, partner, True)
    page = as_user(counselor).get(f"/exercises/occurrences/{first.pk}/").content.decode()
    assert partner.full_name in page  # the log is shown...
    assert "Mark reviewed" not in page  # ...without the button


def test_posting_a_review_of_a_ritual_log_is_a_400_that_says_why(daily_ritual, partner, counselor, as_user):
    first = periods(daily_ritual())[0]
    log(first, partner, True)
    response = as_user(counselor).post(f"/exercises/responses/{first.responses.get().pk}/review/")
    assert response.status_code == 400
    assert "not reviewed one by one" in response.content.decode()


def test_the_api_refuses_to_review_a_ritual_log_with_a_400(daily_ritual, partner, counselor, as_user):
    first = periods(daily_ritual())[0]
    log(first, partner, True)
    answer = first.responses.get()
    url = f"/api/v1/occurrences/{first.pk}/responses/{answer.pk}/review/"
    response = as_user(counselor).post(url, {}, content_type="application/json")
    assert response.status_code == 400
    assert "streak" in response.content.decode()
