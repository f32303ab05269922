"""Read-side: role scoping, constant query counts, home buckets, counselor progress, rituals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exercises import selectors, services
from exercises.models import Visibility
from exercises.selectors import PartnerState, RitualCheck

LA = ZoneInfo("America/Los_Angeles")
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LA)


def count_queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def assign_many(assign, template, n: int, partner) -> None:
    for _ in range(n):
        occurrence = assign(template).occurrences.get()
        services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "ok"})


LISTS = {
    "assignments": lambda user: [str(a) for a in selectors.assignments_visible_to(user)],
    "occurrences": lambda user: [str(o) + str(o.assignment.couple) for o in selectors.occurrences_visible_to(user)],
    "responses": lambda user: [
        str(r) + str(r.occurrence.assignment.template) + str(r.occurrence.assignment.couple)
        for r in selectors.responses_visible_to(user)
    ],
    "templates": lambda user: [str(t) for t in selectors.templates_visible_to(user)],
}


@pytest.mark.parametrize("listing", LISTS)
@pytest.mark.parametrize("who", ["counselor", "partner", "other_partner"])
def test_lists_take_the_same_queries_for_5_and_50_assignments(listing, who, request, make_template, assign, partner):
    user = request.getfixturevalue(who)
    template = make_template(visibility=Visibility.AT_ONCE)
    assign_many(assign, template, 5, partner)
    few = count_queries(lambda: LISTS[listing](user))
    assign_many(assign, template, 45, partner)
    assert count_queries(lambda: LISTS[listing](user)) == few


def test_the_home_page_and_the_progress_page_take_the_same_queries_for_5_and_50(make_template, assign, partner, couple):
    template = make_template()
    assign_many(assign, template, 5, partner)
    now = timezone.now()
    home, progress = (
        count_queries(lambda: selectors.partner_home(partner, now=now)),
        count_queries(lambda: selectors.couple_progress(couple, now=now)),
    )
    assign_many(assign, template, 45, partner)
    assert count_queries(lambda: selectors.partner_home(partner, now=now)) == home == 3
    assert count_queries(lambda: selectors.couple_progress(couple, now=now)) == progress == 2


def test_each_role_lists_only_its_own(
    make_template, assign, partner, other_couple, counselor, other_counselor, personas
):
    assign(make_template())
    assert selectors.assignments_visible_to(counselor).count() == 1
    for user in (other_counselor, other_couple.partner_one, personas.admin):
        assert not selectors.assignments_visible_to(user).exists()
        assert not selectors.occurrences_visible_to(user).exists()
    assert not selectors.templates_visible_to(partner).exists()


def test_the_library_is_built_ins_and_ones_own(make_template, counselor, other_counselor):
    mine = make_template()
    assert mine in selectors.templates_visible_to(counselor)
    assert mine not in selectors.templates_visible_to(other_counselor)
    assert selectors.templates_visible_to(other_counselor).filter(is_builtin=True).count() >= 12


# --- A partner's home page -----------------------------------------------------------------


def test_home_sorts_into_due_this_week_overdue_and_done(make_template, assign, partner, other_partner):
    template = make_template()
    soon = assign(template, due_on=timezone.localdate() + timedelta(days=2)).occurrences.get()
    later = assign(template, due_on=timezone.localdate() + timedelta(days=20)).occurrences.get()
    done = assign(template).occurrences.get()
    services.response_submit(occurrence=done, user=partner, answers={"feeling": "ok"})
    home = selectors.partner_home(partner, now=timezone.now())
    assert (home.due_this_week, home.overdue, home.done) == ([soon], [], [done])
    # Three weeks on, the unanswered ones are overdue; Riley has not done any.
    home = selectors.partner_home(partner, now=timezone.now() + timedelta(days=21))
    assert home.overdue == [soon, later]
    assert selectors.partner_home(other_partner, now=timezone.now()).due_this_week == [done, soon]


# --- A counselor's progress page -------------------------------------------------------------


def test_progress_shows_each_partners_state(make_template, assign, partner, other_partner, couple, counselor):
    occurrence = assign(make_template()).occurrences.get()
    before_due = occurrence.due_at - timedelta(hours=1)
    (row,) = selectors.couple_progress(couple, now=before_due)
    assert [p.state for p in row.partners] == [PartnerState.NOT_STARTED, PartnerState.NOT_STARTED]
    services.response_save_draft(occurrence=occurrence, user=other_partner, answers={})
    sams = services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "ok"})
    services.response_mark_reviewed(response=sams, counselor=counselor)
    (row,) = selectors.couple_progress(couple, now=before_due)
    assert [(p.partner, p.state, p.reviewed) for p in row.partners] == [
        (partner, PartnerState.SUBMITTED, True),
        (other_partner, PartnerState.DRAFT, False),
    ]
    (row,) = selectors.couple_progress(couple, now=occurrence.due_at + timedelta(hours=1))
    assert row.partners[1].state == PartnerState.LATE


def test_progress_does_not_load_answer_content(make_template, assign, partner, couple):
    occurrence = assign(make_template()).occurrences.get()
    services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "private"})
    (row,) = selectors.couple_progress(couple, now=timezone.now())
    (response,) = row.occurrence.responses.all()
    assert "answers" in response.get_deferred_fields()


# --- Rituals ---------------------------------------------------------------------------------------


def log(occurrence, user, happened: bool):
    answers = {"ritual": "morning_coffee", "happened": happened, "closeness": 4}
    services.response_submit(occurrence=occurrence, user=user, answers=answers)


def test_a_ritual_confirmed_by_both_counts_and_one_sided_is_a_mismatch(assign, builtin, partner, other_partner):
    assignment = assign(
        builtin("rituals-of-connection"),
        due_on=None,
        rrule="FREQ=DAILY",
        starts_on=date(2026, 3, 3),
        due_time=time(8),
        now=NOW,
    )
    first, second, third, *_ = assignment.occurrences.order_by("due_at")
    for occurrence in (first, second):
        log(occurrence, partner, True)
        log(occurrence, other_partner, True)
    log(third, partner, True)
    log(third, other_partner, False)
    summary = selectors.ritual_summary(assignment, now=third.due_at + timedelta(hours=1))
    checks = {occurrence.pk: check for occurrence, check in summary.periods}
    assert (checks[first.pk], checks[second.pk], checks[third.pk]) == (
        RitualCheck.CONFIRMED,
        RitualCheck.CONFIRMED,
        RitualCheck.MISMATCH,
    )
    assert summary.streak == 0  # the newest past period broke it
    assert selectors.ritual_summary(assignment, now=second.due_at + timedelta(hours=1)).streak == 2
