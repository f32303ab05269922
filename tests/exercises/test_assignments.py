"""Assignments: made for a couple on one's caseload, once or recurring;
paused, resumed, ended; occurrences generated idempotently."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import AuditEvent, CoupleStatus
from exercises import services
from exercises.models import AssignmentStatus, Occurrence

LA = ZoneInfo("America/Los_Angeles")
# A fixed "now": Monday 2 March 2026, 09:00 in Seattle.
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=LA)


def weekly_on_sundays(assign, template, **extra):
    return assign(template, due_on=None, rrule="FREQ=WEEKLY;BYDAY=SU", starts_on=date(2026, 3, 1), now=NOW, **extra)


def test_a_one_off_is_due_at_the_local_time_in_the_couples_time_zone(assign, builtin, occurrence_of):
    assignment = assign(
        builtin("i-statements"), starts_on=date(2026, 3, 2), due_on=date(2026, 3, 8), due_time=time(19), now=NOW
    )
    assert assignment.due_at == datetime(2026, 3, 9, 2, 0, tzinfo=UTC)  # 19:00 PDT, the day DST starts
    assert occurrence_of(assignment).due_at == assignment.due_at
    assert assignment.fields == builtin("i-statements").fields
    assert AuditEvent.objects.filter(action="assignment.created", target_id=str(assignment.pk)).exists()


def test_a_recurrence_creates_the_next_two_weeks_at_once(assign, builtin):
    assignment = weekly_on_sundays(assign, builtin("weekly-check-in"))
    local = [o.due_at.astimezone(LA) for o in assignment.occurrences.order_by("due_at")]
    assert [(t.date(), t.hour) for t in local] == [(date(2026, 3, 8), 19), (date(2026, 3, 15), 19)]
    assert [o.sequence for o in assignment.occurrences.order_by("due_at")] == [2, 3]  # 1 Mar was before it existed


def test_the_rrule_is_stored_in_canonical_form(assign, builtin):
    assignment = assign(builtin("weekly-check-in"), due_on=None, rrule="byday=su;freq=weekly", now=NOW)
    assert assignment.rrule == "FREQ=WEEKLY;BYDAY=SU"


def test_generating_twice_creates_nothing_new(assign, builtin):
    assignment = weekly_on_sundays(assign, builtin("weekly-check-in"))
    until = NOW + timedelta(days=60)
    first = services.occurrences_generate(assignment=assignment, until=until)
    assert first > 0
    assert services.occurrences_generate(assignment=assignment, until=until) == 0
    assert assignment.occurrences.count() == 2 + first


def test_generating_for_all_assignments_rolls_the_window(assign, builtin):
    weekly_on_sundays(assign, builtin("weekly-check-in"))
    assert services.occurrences_generate_upcoming(now=NOW + timedelta(days=7)) == 1
    assert services.occurrences_generate_upcoming(now=NOW + timedelta(days=7)) == 0


def test_a_counselor_cannot_assign_to_a_couple_off_their_caseload(assign, builtin, other_couple):
    with pytest.raises(PermissionDenied):
        assign(builtin("i-statements"), couple=other_couple)
    assert not Occurrence.objects.exists()


@pytest.mark.parametrize("who", ["partner", "practice_admin", "other_counselor"])
def test_only_the_couples_counselor_assigns(assign, builtin, who, request):
    with pytest.raises(PermissionDenied):
        assign(builtin("i-statements"), counselor=request.getfixturevalue(who))


def test_a_counselor_cannot_assign_another_counselors_template(assign, other_counselor):
    theirs = services.template_create(
        owner=other_counselor,
        title="Theirs",
        summary="s",
        instructions="i",
        fields=[{"key": "a", "kind": "yes_no", "label": "A"}],
    )
    with pytest.raises(ValidationError) as caught:
        assign(theirs)
    assert "template" in caught.value.message_dict


def test_a_paused_couple_gets_no_new_assignments(assign, builtin, couple):
    couple.status = CoupleStatus.PAUSED
    couple.save()
    with pytest.raises(ValidationError):
        assign(builtin("i-statements"))


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"due_on": None}, "due_on"),
        ({"rrule": "FREQ=DAILY"}, "due_on"),  # both a date and a rule
        ({"due_on": date(2026, 3, 1), "starts_on": date(2026, 3, 1)}, "due_on"),  # already past
        ({"due_on": date(2026, 3, 1), "starts_on": date(2026, 3, 5)}, "due_on"),  # before the start
        ({"due_on": None, "rrule": "FREQ=HOURLY"}, "rrule"),
        ({"due_on": None, "rrule": "FREQ=DAILY;UNTIL=20260201"}, "rrule"),  # no dates left
    ],
)
def test_a_bad_schedule_is_refused_on_its_field(assign, builtin, values, field):
    with pytest.raises(ValidationError) as caught:
        assign(builtin("i-statements"), now=NOW, **{"starts_on": date(2026, 3, 2), **values})
    assert field in caught.value.message_dict


def test_pausing_drops_untouched_upcoming_occurrences_and_resuming_leaves_a_gap(assign, builtin, counselor):
    assignment = weekly_on_sundays(assign, builtin("weekly-check-in"))
    paused = services.assignment_pause(assignment=assignment, counselor=counselor, now=NOW)
    assert paused.occurrences.count() == 0
    assert services.occurrences_generate(assignment=paused, until=NOW + timedelta(days=30)) == 0
    resumed = services.assignment_resume(assignment=paused, counselor=counselor, now=NOW + timedelta(days=8))
    assert resumed.status == AssignmentStatus.ACTIVE
    # 8 March fell in the pause; 15 and 22 March are generated with their own sequence numbers.
    assert list(resumed.occurrences.order_by("sequence").values_list("sequence", flat=True)) == [3, 4]


def test_ending_keeps_history_and_stops_the_schedule(assign, builtin, counselor, partner):
    assignment = weekly_on_sundays(assign, builtin("weekly-check-in"))
    first = assignment.occurrences.order_by("due_at").first()
    services.response_save_draft(occurrence=first, user=partner, answers={"high": "A walk"})
    ended = services.assignment_end(assignment=assignment, counselor=counselor, now=NOW)
    assert (ended.status, ended.ended_at) == (AssignmentStatus.ENDED, NOW)
    assert list(ended.occurrences.all()) == [first]  # the one with an answer stays
    with pytest.raises(ValidationError):
        services.assignment_resume(assignment=ended, counselor=counselor)


def test_a_one_off_keeps_its_occurrence_when_paused(assign, builtin, counselor):
    assignment = assign(builtin("i-statements"))
    services.assignment_pause(assignment=assignment, counselor=counselor)
    assert assignment.occurrences.count() == 1


def test_pausing_twice_is_refused(assign, builtin, counselor):
    assignment = assign(builtin("i-statements"))
    services.assignment_pause(assignment=assignment, counselor=counselor)
    with pytest.raises(ValidationError):
        services.assignment_pause(assignment=assignment, counselor=counselor)


def test_another_counselor_cannot_pause_or_end(assign, builtin, other_counselor):
    assignment = assign(builtin("i-statements"))
    with pytest.raises(PermissionDenied):
        services.assignment_pause(assignment=assignment, counselor=other_counselor)
    with pytest.raises(PermissionDenied):
        services.assignment_end(assignment=assignment, counselor=other_counselor)


def test_a_counselor_edits_the_note(assign, builtin, counselor):
    assignment = assign(builtin("i-statements"), note="Before Thursday")
    updated = services.assignment_update_note(assignment=assignment, counselor=counselor, note="  After the talk ")
    assert updated.note == "After the talk"
    assert AuditEvent.objects.filter(action="assignment.note_updated").count() == 1


def test_an_assignment_describes_its_schedule(assign, builtin):
    assert weekly_on_sundays(assign, builtin("weekly-check-in")).schedule_text == "every week on Sun"
    assert assign(builtin("i-statements")).schedule_text == "once"


def test_editing_the_template_later_does_not_change_an_assignment(make_template, assign, counselor):
    template = make_template()
    assignment = assign(template)
    services.template_update(
        template=template,
        actor=counselor,
        visibility="at_once",
        fields=[{"key": "other", "kind": "yes_no", "label": "Other"}],
    )
    assignment.refresh_from_db()
    assert (assignment.visibility, assignment.fields[0]["key"]) == ("after_both", "feeling")


def test_now_defaults_to_the_clock(assign, builtin):
    assignment = assign(builtin("i-statements"))
    assert abs(assignment.generate_from - timezone.now()) < timedelta(minutes=1)
