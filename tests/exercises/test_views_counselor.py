"""A counselor's pages: per-couple exercises, assigning, reviewing, the library."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from exercises import services
from exercises.models import Assignment, AssignmentStatus, Comment, ExerciseTemplate


def couple_page(couple):
    return f"/couples/{couple.pk}/exercises/"


def assign_data(template, **overrides):
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {
        "template": template.pk,
        "note": "Try this before Thursday.",
        "starts_on": timezone.localdate().isoformat(),
        "due_time": "19:00",
        "schedule": "once",
        "due_on": tomorrow.isoformat(),
        "ends": "never",
    }
    data.update(overrides)
    return data


@pytest.fixture
def submitted(builtin, assign, occurrence_of, partner):
    """An "I" statements occurrence with Sam's submitted answer."""
    occurrence = occurrence_of(assign(builtin("i-statements")))
    answers = {"i_feel": "hurt", "when": "plans change", "because": "I plan ahead", "would_like": "a call"}
    services.response_submit(occurrence=occurrence, user=partner, answers=answers)
    return occurrence


def test_couple_page_shows_each_partners_state(counselor, couple, partner, submitted, as_user):
    response = as_user(counselor).get(couple_page(couple))
    (row,) = response.context["rows"]
    states = {p.partner.pk: p.state for p in row.occurrences[0].partners}
    assert states == {partner.pk: "submitted", couple.partner_two.pk: "not_started"}


def test_couple_page_marks_a_missed_occurrence_late(counselor, couple, submitted, as_user):
    submitted.due_at = timezone.now() - timedelta(days=1)
    submitted.save()
    page = as_user(counselor).get(couple_page(couple)).content.decode()
    assert "state-late" in page


def test_assigning_once_creates_the_assignment(counselor, couple, builtin, as_user):
    response = as_user(counselor).post(couple_page(couple), assign_data(builtin("i-statements")))
    assert response.status_code == 302
    assignment = Assignment.objects.get(couple=couple)
    assert (assignment.note, assignment.rrule, assignment.occurrences.count()) == ("Try this before Thursday.", "", 1)


def test_assigning_weekly_stores_the_rrule(counselor, couple, builtin, as_user):
    data = assign_data(builtin("weekly-check-in"), schedule="weekly", weekdays=["0", "3"], ends="count", count="6")
    as_user(counselor).post(couple_page(couple), data)
    assert Assignment.objects.get(couple=couple).rrule == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6"


def test_assigning_every_n_weeks_until_a_date(counselor, couple, builtin, as_user):
    ends_on = timezone.localdate() + timedelta(days=90)
    data = assign_data(
        builtin("weekly-check-in"), schedule="every_n_weeks", interval="3", ends="until", ends_on=ends_on.isoformat()
    )
    as_user(counselor).post(couple_page(couple), data)
    assert Assignment.objects.get(couple=couple).rrule == f"FREQ=WEEKLY;INTERVAL=3;UNTIL={ends_on:%Y%m%d}T235959"


def test_assigning_with_a_past_due_date_is_a_400_naming_the_field(counselor, couple, builtin, as_user):
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    data = assign_data(builtin("i-statements"), starts_on=yesterday, due_on=yesterday)
    response = as_user(counselor).post(couple_page(couple), data)
    assert response.status_code == 400
    assert "due_on" in response.context["form"].errors
    assert not Assignment.objects.exists()


def test_assigning_once_without_a_due_date_is_a_400(counselor, couple, builtin, as_user):
    response = as_user(counselor).post(couple_page(couple), assign_data(builtin("i-statements"), due_on=""))
    assert response.status_code == 400
    assert "due_on" in response.context["form"].errors


def test_assigning_another_counselors_template_is_refused(counselor, other_counselor, couple, as_user):
    theirs = services.template_create(
        owner=other_counselor,
        title="Theirs",
        summary="s",
        instructions="i",
        fields=[{"key": "a", "kind": "short_text", "label": "A"}],
    )
    response = as_user(counselor).post(couple_page(couple), assign_data(theirs))
    assert response.status_code == 400
    assert "template" in response.context["form"].errors


def test_pause_then_end_an_assignment(counselor, submitted, as_user):
    client, assignment = as_user(counselor), submitted.assignment
    client.post(f"/exercises/assignments/{assignment.pk}/pause/")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PAUSED
    client.post(f"/exercises/assignments/{assignment.pk}/end/")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ENDED


def test_edit_an_assignments_note(counselor, submitted, as_user):
    assignment = submitted.assignment
    as_user(counselor).post(f"/exercises/assignments/{assignment.pk}/note/", {f"a{assignment.pk}-note": "New note"})
    assignment.refresh_from_db()
    assert assignment.note == "New note"


def test_high_conflict_toggle(counselor, couple, as_user):
    as_user(counselor).post(f"/couples/{couple.pk}/exercises/high-conflict/", {"high_conflict": "on"})
    assert couple.exercise_settings.high_conflict is True


def test_review_page_shows_submitted_answers_and_records_access(counselor, submitted, as_user):
    page = as_user(counselor).get(f"/exercises/occurrences/{submitted.pk}/").content.decode()
    assert "I plan ahead" in page
    assert AuditEvent.objects.filter(actor=counselor, action="response.viewed").count() == 1


def test_counselor_marks_an_answer_reviewed(counselor, submitted, as_user):
    answer = submitted.responses.get()
    as_user(counselor).post(f"/exercises/responses/{answer.pk}/review/")
    answer.refresh_from_db()
    assert answer.reviewed_by == counselor


def test_counselor_comments_on_an_occurrence(counselor, submitted, as_user):
    response = as_user(counselor).post(f"/exercises/occurrences/{submitted.pk}/comments/", {"body": "Good start."})
    assert response.status_code == 302
    assert Comment.objects.get().body == "Good start."


def test_an_empty_comment_is_a_400_naming_the_field(counselor, submitted, as_user):
    response = as_user(counselor).post(f"/exercises/occurrences/{submitted.pk}/comments/", {"body": "  "})
    assert response.status_code == 400
    assert "body" in response.context["comment_form"].errors


# The library


def test_library_lists_builtins_and_own(counselor, make_template, as_user):
    mine = make_template()
    context = as_user(counselor).get("/exercises/").context
    assert len(context["builtins"]) >= 12
    assert [t.pk for t in context["own"]] == [mine.pk]


def test_copying_a_builtin_makes_an_own_template(counselor, builtin, as_user):
    response = as_user(counselor).post(f"/exercises/templates/{builtin('i-statements').pk}/copy/")
    copy = ExerciseTemplate.objects.get(owner=counselor)
    assert response["Location"] == f"/exercises/templates/{copy.pk}/edit/"


def test_editing_with_a_bad_question_is_a_400_on_that_question(counselor, make_template, as_user):
    template = make_template()
    data = {
        "title": "T",
        "summary": "S",
        "instructions": "I",
        "estimated_minutes": "10",
        "category": "other",
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-0-label": "x",
        "fields-0-key": "Bad Key",
        "fields-0-kind": "short_text",
    }
    response = as_user(counselor).post(f"/exercises/templates/{template.pk}/edit/", data)
    assert response.status_code == 400
    assert "key" in response.context["formset"].forms[0].errors
    template.refresh_from_db()
    assert template.title == "Feelings check"


def test_editing_a_builtin_is_a_404(counselor, builtin, as_user):
    assert as_user(counselor).get(f"/exercises/templates/{builtin('i-statements').pk}/edit/").status_code == 404


def test_the_template_page_names_each_question_s_kind_in_words(counselor, builtin, as_user):
    html = as_user(counselor).get(f"/exercises/templates/{builtin('i-statements').pk}/").content.decode()
    assert "(Short text" in html or "(Long text" in html
    assert "Shorttext" not in html and "Longtext" not in html
