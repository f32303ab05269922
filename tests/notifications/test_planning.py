"""Planning reminders: who gets what, when (their own time zone and quiet
hours), and cancelling in the same transaction when it becomes moot."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction

from exercises import services as exercise_services
from exercises.models import CompletionMode, Occurrence, Visibility
from notifications import services
from notifications.models import NotificationPreference, Reminder, ReminderKind, ReminderState
from notifications.timing import in_quiet_hours
from tests.notifications.helpers import ANSWERS, NOW

pytestmark = pytest.mark.django_db

LA = ZoneInfo("America/Los_Angeles")
NY = ZoneInfo("America/New_York")
DUE_SOON, OVERDUE, FINISHED = (
    ReminderKind.EXERCISE_DUE_SOON,
    ReminderKind.EXERCISE_OVERDUE,
    ReminderKind.PARTNER_FINISHED,
)


def rows(**filters):
    return {(r.recipient_id, r.kind): r for r in Reminder.objects.filter(**filters)}


def test_each_partner_gets_a_due_soon_and_an_overdue_reminder(assign, couple, occurrence_of):
    occurrence = occurrence_of(assign())  # due Wed 8 April 19:00 in Seattle
    assert services.reminders_plan_upcoming(now=NOW) == 4
    planned = rows(occurrence=occurrence)
    due = datetime(2026, 4, 8, 19, 0, tzinfo=LA)
    for partner in couple.partners:
        soon, overdue = planned[(partner.pk, DUE_SOON)], planned[(partner.pk, OVERDUE)]
        assert soon.due_at == due - timedelta(hours=24) and soon.expires_at == due
        assert overdue.due_at == due + timedelta(hours=24) and overdue.expires_at is None
        assert {soon.state, overdue.state} == {ReminderState.PENDING}
        assert soon.object_key == f"occurrence:{occurrence.pk}"


def test_planning_again_changes_nothing(assign):
    assign()
    assert services.reminders_plan_upcoming(now=NOW) == 4
    assert services.reminders_plan_upcoming(now=NOW) == 0
    assert Reminder.objects.count() == 4


def test_a_second_reminder_for_the_same_thing_is_impossible(assign, partner, occurrence_of):
    occurrence = occurrence_of(assign())
    services.reminders_plan_upcoming(now=NOW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=DUE_SOON,
            recipient=partner,
            occurrence=occurrence,
            object_key=f"occurrence:{occurrence.pk}",
            due_at=NOW,
        )


def test_the_object_key_must_name_the_occurrence(assign, partner, occurrence_of):
    occurrence = occurrence_of(assign())
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            kind=OVERDUE, recipient=partner, occurrence=occurrence, object_key="occurrence:999999", due_at=NOW
        )


@pytest.mark.parametrize(
    ("due_on", "now", "expected_utc"),
    [
        # Summer time on both sides: 23:00 EDT -> 08:00 EDT = 12:00 UTC.
        (date(2026, 4, 8), NOW, datetime(2026, 4, 8, 12, 0, tzinfo=UTC)),
        # Due-soon night of 7-8 March, when US clocks spring forward: 08:00 EDT.
        (date(2026, 3, 8), datetime(2026, 3, 1, 12, 0, tzinfo=UTC), datetime(2026, 3, 8, 12, 0, tzinfo=UTC)),
        # Night of 31 Oct-1 Nov, when they fall back: 08:00 EST = 13:00 UTC.
        (date(2026, 11, 1), datetime(2026, 10, 25, 12, 0, tzinfo=UTC), datetime(2026, 11, 1, 13, 0, tzinfo=UTC)),
    ],
)
def test_due_soon_at_23h_for_a_partner_in_new_york_goes_at_8_their_time(
    assign, couple, occurrence_of, due_on, now, expected_utc
):
    new_yorker = couple.partner_two
    new_yorker.time_zone = "America/New_York"
    new_yorker.save()
    # Due at 20:00 in Seattle (the couple's zone) = 23:00 in New York; 24 h before is 23:00 NY.
    occurrence = occurrence_of(assign(starts_on=now.date(), due_on=due_on, due_time=time(20, 0), now=now))
    services.reminders_plan_upcoming(now=now)
    soon = rows(occurrence=occurrence)[(new_yorker.pk, DUE_SOON)]
    assert soon.due_at == expected_utc
    assert soon.due_at.astimezone(NY).time() == time(8, 0)
    # The Seattle partner: 24 real hours before, or, when that falls in their
    # quiet hours (21:00 the evening the clocks go back), at 08:00 their time.
    seattle = rows(occurrence=occurrence)[(couple.partner_one_id, DUE_SOON)]
    day_before = occurrence.due_at - timedelta(hours=24)
    assert seattle.due_at == day_before or seattle.due_at.astimezone(LA).time() == time(8, 0)
    assert not in_quiet_hours(seattle.due_at.astimezone(LA).time(), start=time(21), end=time(8))


def test_own_quiet_hours_are_respected(assign, couple, occurrence_of):
    NotificationPreference.objects.create(user=couple.partner_one, quiet_start=time(18), quiet_end=time(9, 30))
    occurrence = occurrence_of(assign())  # due-soon at 19:00 Seattle: inside 18:00-09:30
    services.reminders_plan_upcoming(now=NOW)
    soon = rows(occurrence=occurrence)[(couple.partner_one_id, DUE_SOON)]
    assert soon.due_at == datetime(2026, 4, 8, 9, 30, tzinfo=LA)


def test_a_couple_invited_in_chicago_has_quiet_hours_in_chicago(assign, chicago_couple, occurrence_of):
    # Due 21:30 Chicago time (19:30 in Seattle): the day-before reminder waits for 08:00 in Chicago.
    occurrence = occurrence_of(assign(couple=chicago_couple, due_time=time(21, 30)))
    services.reminders_plan_upcoming(now=NOW)
    soon = rows(occurrence=occurrence)[(chicago_couple.partner_one_id, DUE_SOON)]
    assert soon.due_at == datetime(2026, 4, 8, 8, 0, tzinfo=ZoneInfo("America/Chicago"))


def test_a_daily_practice_is_reminded_on_the_morning_of_the_day(assign, couple):
    assignment = assign(due_on=None, rrule="FREQ=DAILY", due_time=time(20, 0))
    services.reminders_plan_upcoming(now=NOW)
    soon = Reminder.objects.filter(
        occurrence__assignment=assignment, recipient=couple.partner_one, kind=DUE_SOON
    ).order_by("due_at")
    assert soon.count() >= 10  # the rolling window of occurrences
    for reminder in soon:
        local = reminder.due_at.astimezone(LA)
        assert local.time() == time(8, 0)
        assert local.date() == reminder.occurrence.due_at.astimezone(LA).date()


def test_submitting_cancels_the_submitters_reminders_and_tells_the_partner(assign, couple, occurrence_of):
    occurrence = occurrence_of(assign())  # visibility "after both" (the default)
    services.reminders_plan_upcoming(now=NOW)
    sam, riley = couple.partners
    exercise_services.response_submit(occurrence=occurrence, user=sam, answers=ANSWERS, now=NOW)
    planned = rows(occurrence=occurrence)
    assert planned[(sam.pk, DUE_SOON)].state == ReminderState.CANCELLED
    assert planned[(sam.pk, OVERDUE)].state == ReminderState.CANCELLED
    assert planned[(riley.pk, DUE_SOON)].state == ReminderState.PENDING
    assert planned[(riley.pk, OVERDUE)].state == ReminderState.PENDING
    finished = planned[(riley.pk, FINISHED)]
    assert finished.state == ReminderState.PENDING and finished.due_at == NOW  # 08:00 in Seattle: awake
    assert (sam.pk, FINISHED) not in planned
    # Editing the answer tells no one twice.
    exercise_services.response_submit(occurrence=occurrence, user=sam, answers={**ANSWERS, "closeness": 2}, now=NOW)
    assert Reminder.objects.filter(kind=FINISHED).count() == 1
    # Riley submits: their reminders, "your partner finished" included, are moot.
    exercise_services.response_submit(occurrence=occurrence, user=riley, answers=ANSWERS, now=NOW)
    assert not Reminder.objects.filter(state=ReminderState.PENDING).exists()


def test_the_cancel_is_in_the_submit_transaction(assign, couple, occurrence_of):
    occurrence = occurrence_of(assign())
    services.reminders_plan_upcoming(now=NOW)
    with pytest.raises(RuntimeError), transaction.atomic():
        exercise_services.response_submit(occurrence=occurrence, user=couple.partner_one, answers=ANSWERS, now=NOW)
        raise RuntimeError("the request failed after submitting")
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.PENDING}
    assert not Reminder.objects.filter(kind=FINISHED).exists()


def test_partner_finished_is_opt_in_default_on(assign, couple, occurrence_of):
    NotificationPreference.objects.create(user=couple.partner_two, partner_finished=False)
    occurrence = occurrence_of(assign())
    exercise_services.response_submit(occurrence=occurrence, user=couple.partner_one, answers=ANSWERS, now=NOW)
    assert not Reminder.objects.filter(kind=FINISHED).exists()


def test_partner_finished_in_quiet_hours_waits_for_morning(assign, couple, occurrence_of):
    occurrence = occurrence_of(assign())
    late = datetime(2026, 4, 6, 23, 30, tzinfo=LA)
    exercise_services.response_submit(occurrence=occurrence, user=couple.partner_one, answers=ANSWERS, now=late)
    finished = Reminder.objects.get(kind=FINISHED)
    assert finished.due_at == datetime(2026, 4, 7, 8, 0, tzinfo=LA)


@pytest.mark.parametrize("visibility", [Visibility.AT_ONCE, Visibility.COUNSELOR_ONLY])
def test_no_partner_finished_unless_revealed_after_both(make_template_with, assign, couple, occurrence_of, visibility):
    occurrence = occurrence_of(assign(template=make_template_with(visibility=visibility)))
    exercise_services.response_submit(occurrence=occurrence, user=couple.partner_one, answers=ANSWERS, now=NOW)
    assert not Reminder.objects.filter(kind=FINISHED).exists()


def test_a_joint_answer_cancels_both_partners_reminders(make_template_with, assign, couple, occurrence_of):
    joint = make_template_with(completion_mode=CompletionMode.JOINT, visibility=Visibility.AT_ONCE)
    occurrence = occurrence_of(assign(template=joint))
    services.reminders_plan_upcoming(now=NOW)
    assert Reminder.objects.filter(state=ReminderState.PENDING).count() == 4
    exercise_services.response_submit(occurrence=occurrence, user=couple.partner_two, answers=ANSWERS, now=NOW)
    assert Reminder.objects.filter(state=ReminderState.PENDING).count() == 0


def test_pausing_cancels_and_resuming_reopens(assign, counselor, occurrence_of):
    assignment = assign()
    services.reminders_plan_upcoming(now=NOW)
    exercise_services.assignment_pause(assignment=assignment, counselor=counselor, now=NOW)
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.CANCELLED}
    assert services.reminders_plan_upcoming(now=NOW) == 0  # paused: nothing planned
    exercise_services.assignment_resume(assignment=assignment, counselor=counselor, now=NOW + timedelta(hours=1))
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.PENDING}
    exercise_services.assignment_end(assignment=assignment, counselor=counselor, now=NOW + timedelta(hours=2))
    assert set(Reminder.objects.values_list("state", flat=True)) == {ReminderState.CANCELLED}


def test_a_due_time_that_moves_moves_the_pending_reminders(assign, couple, occurrence_of):
    occurrence = occurrence_of(assign())
    services.reminders_plan_upcoming(now=NOW)
    Occurrence.objects.filter(pk=occurrence.pk).update(due_at=occurrence.due_at + timedelta(days=2))
    services.reminders_refresh_for_occurrence(occurrence=occurrence, now=NOW)
    overdue = rows(occurrence=occurrence)[(couple.partner_one_id, OVERDUE)]
    assert overdue.due_at == occurrence.due_at + timedelta(days=3)


def test_a_new_time_zone_moves_the_pending_reminders(assign, couple, occurrence_of):
    occurrence = occurrence_of(assign(due_time=time(20, 0)))  # due-soon 20:00 Seattle
    services.reminders_plan_upcoming(now=NOW)
    sam = couple.partner_one
    services.preferences_update(user=sam, time_zone="America/New_York", now=NOW)
    soon = rows(occurrence=occurrence)[(sam.pk, DUE_SOON)]
    assert soon.due_at.astimezone(NY).time() == time(8, 0)  # 23:00 in New York: next morning


def test_an_occurrence_already_due_gets_no_due_soon(assign, occurrence_of):
    occurrence = occurrence_of(assign())
    services.reminders_plan_upcoming(now=occurrence.due_at + timedelta(minutes=5))
    assert set(Reminder.objects.values_list("kind", flat=True)) == {OVERDUE}


@pytest.fixture
def make_template_with(counselor):
    from tests.exercises.helpers import SIMPLE_FIELDS

    def make(**overrides):
        values = {
            "owner": counselor,
            "title": "Another exercise",
            "summary": "Another.",
            "instructions": "Do it.",
            "fields": SIMPLE_FIELDS,
        }
        return exercise_services.template_create(**{**values, **overrides})

    return make


def test_no_partner_finished_for_a_high_conflict_couple(assign, couple, counselor, occurrence_of):
    exercise_services.couple_set_high_conflict(couple=couple, counselor=counselor, high_conflict=True)
    occurrence = occurrence_of(assign())
    exercise_services.response_submit(occurrence=occurrence, user=couple.partner_one, answers=ANSWERS, now=NOW)
    assert not Reminder.objects.filter(kind=FINISHED).exists()
