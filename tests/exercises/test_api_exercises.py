"""The exercises API: templates, assignments, occurrences, answers, comments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from exercises import services
from exercises.models import Assignment, AssignmentStatus, Comment, ExerciseTemplate, Response, Visibility
from tests.exercises.helpers import SIMPLE_FIELDS

ANSWERS = {"i_feel": "hurt", "when": "plans change", "because": "I plan ahead", "would_like": "a call"}


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def responses_url(occurrence):
    return f"/api/v1/occurrences/{occurrence.pk}/responses/"


@pytest.fixture
def occurrence(builtin, assign, occurrence_of):
    """An "I" statements occurrence (reveal after both) for Sam and Riley."""
    return occurrence_of(assign(builtin("i-statements")))


# Templates


def test_counselor_lists_builtins_and_own_templates(counselor, make_template, as_user):
    mine = make_template()
    results = as_user(counselor).get("/api/v1/exercises/").json()["results"]
    assert mine.pk in {t["id"] for t in results}
    assert sum(t["is_builtin"] for t in results) >= 12


def test_counselor_does_not_see_another_counselors_template(counselor, other_counselor, as_user):
    theirs = services.template_create(
        owner=other_counselor, title="T", summary="s", instructions="i", fields=SIMPLE_FIELDS
    )
    assert as_user(counselor).get(f"/api/v1/exercises/{theirs.pk}/").status_code == 404


def test_counselor_creates_a_template(counselor, as_user):
    data = {"title": "Check", "summary": "s", "instructions": "**Do** it", "fields": SIMPLE_FIELDS}
    response = post(as_user(counselor), "/api/v1/exercises/", data)
    assert response.status_code == 201
    assert ExerciseTemplate.objects.get(pk=response.json()["id"]).owner == counselor


def test_a_bad_field_spec_is_a_400_naming_fields_and_saves_nothing(counselor, as_user):
    data = {"title": "Check", "summary": "s", "instructions": "i", "fields": [{"key": "x", "kind": "essay"}]}
    response = post(as_user(counselor), "/api/v1/exercises/", data)
    assert response.status_code == 400
    assert list(response.json()) == ["fields"]
    assert not ExerciseTemplate.objects.filter(owner=counselor).exists()


def test_counselor_updates_their_own_template(counselor, make_template, as_user):
    template = make_template()
    response = as_user(counselor).patch(
        f"/api/v1/exercises/{template.pk}/", {"title": "Renamed"}, content_type="application/json"
    )
    assert response.status_code == 200
    template.refresh_from_db()
    assert template.title == "Renamed"


def test_a_builtin_cannot_be_updated(counselor, builtin, as_user):
    template = builtin("i-statements")
    response = as_user(counselor).patch(
        f"/api/v1/exercises/{template.pk}/", {"title": "Mine now"}, content_type="application/json"
    )
    assert response.status_code == 403


def test_clients_see_no_templates(partner, as_user):
    assert as_user(partner).get("/api/v1/exercises/").json()["results"] == []


# Assignments


def assignment_data(template, couple, **overrides):
    data = {
        "template": template.pk,
        "couple": couple.pk,
        "starts_on": timezone.localdate().isoformat(),
        "due_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
        "due_time": "19:00",
    }
    data.update(overrides)
    return data


def test_counselor_creates_a_recurring_assignment(counselor, couple, builtin, as_user):
    data = assignment_data(builtin("weekly-check-in"), couple, due_on=None, rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=4")
    response = post(as_user(counselor), "/api/v1/assignments/", data)
    assert response.status_code == 201
    assert response.json()["rrule"] == "FREQ=WEEKLY;BYDAY=SU;COUNT=4"


def test_a_bad_rrule_is_a_400_naming_rrule(counselor, couple, builtin, as_user):
    data = assignment_data(builtin("weekly-check-in"), couple, due_on=None, rrule="FREQ=HOURLY")
    response = post(as_user(counselor), "/api/v1/assignments/", data)
    assert response.status_code == 400
    assert "rrule" in response.json()
    assert not Assignment.objects.exists()


def test_assigning_to_another_counselors_couple_is_a_400_naming_couple(counselor, other_couple, builtin, as_user):
    response = post(as_user(counselor), "/api/v1/assignments/", assignment_data(builtin("i-statements"), other_couple))
    assert response.status_code == 400
    assert list(response.json()) == ["couple"]


def test_clients_cannot_assign(partner, couple, builtin, as_user):
    response = post(as_user(partner), "/api/v1/assignments/", assignment_data(builtin("i-statements"), couple))
    assert response.status_code == 403


def test_client_lists_their_couples_assignments(partner, other_couple, occurrence, as_user):
    results = as_user(partner).get("/api/v1/assignments/").json()["results"]
    assert [a["id"] for a in results] == [occurrence.assignment_id]


def test_counselor_pauses_resumes_and_ends(counselor, occurrence, as_user):
    client, url = as_user(counselor), f"/api/v1/assignments/{occurrence.assignment_id}"
    assert post(client, f"{url}/pause/", {}).json()["status"] == AssignmentStatus.PAUSED
    assert post(client, f"{url}/resume/", {}).json()["status"] == AssignmentStatus.ACTIVE
    assert post(client, f"{url}/end/", {}).json()["status"] == AssignmentStatus.ENDED


def test_resuming_an_active_assignment_is_a_400_naming_status(counselor, occurrence, as_user):
    response = post(as_user(counselor), f"/api/v1/assignments/{occurrence.assignment_id}/resume/", {})
    assert response.status_code == 400
    assert list(response.json()) == ["status"]


def test_counselor_edits_the_note(counselor, occurrence, as_user):
    response = as_user(counselor).patch(
        f"/api/v1/assignments/{occurrence.assignment_id}/", {"note": "Gently"}, content_type="application/json"
    )
    assert response.json()["note"] == "Gently"


# Occurrences


def test_occurrences_filter_by_state(partner, other_partner, occurrence, as_user):
    client = as_user(partner)
    assert [o["id"] for o in client.get("/api/v1/occurrences/?state=open").json()["results"]] == [occurrence.pk]
    assert client.get("/api/v1/occurrences/?state=completed").json()["results"] == []
    assert client.get("/api/v1/occurrences/?state=overdue").json()["results"] == []


def test_occurrences_filter_by_due_date_range(counselor, occurrence, as_user):
    client = as_user(counselor)
    after = (occurrence.due_at + timedelta(minutes=1)).isoformat()
    assert client.get("/api/v1/occurrences/", {"due_after": after}).json()["results"] == []
    before = (occurrence.due_at + timedelta(minutes=1)).isoformat()
    assert len(client.get("/api/v1/occurrences/", {"due_before": before}).json()["results"]) == 1


def test_a_bad_due_date_filter_is_a_400_naming_it(counselor, as_user):
    response = as_user(counselor).get("/api/v1/occurrences/?due_after=someday")
    assert response.status_code == 400
    assert "due_after" in response.json()


# Answers


def test_partner_saves_a_draft_then_submits(partner, occurrence, as_user):
    client = as_user(partner)
    assert post(client, responses_url(occurrence), {"answers": {"i_feel": "hurt"}}).json()["state"] == "draft"
    response = post(client, responses_url(occurrence), {"answers": ANSWERS, "submit": True})
    assert response.json()["state"] == "submitted"
    assert Response.objects.get(occurrence=occurrence).answers == ANSWERS


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**ANSWERS, "i_feel": ""}, "i_feel"),  # required
        ({**ANSWERS, "i_feel": "x" * 151}, "i_feel"),  # too long
        ({**ANSWERS, "because": 42}, "because"),  # wrong type
        ({**ANSWERS, "mood": "ok"}, "mood"),  # unknown key
    ],
)
def test_bad_answers_are_a_400_naming_the_field_and_save_nothing(answers, field, partner, occurrence, as_user):
    response = post(as_user(partner), responses_url(occurrence), {"answers": answers, "submit": True})
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert not Response.objects.exists()


def test_after_both_answer_is_invisible_to_the_partner_until_they_submit(partner, other_partner, occurrence, as_user):
    services.response_submit(occurrence=occurrence, user=other_partner, answers=ANSWERS)
    assert as_user(partner).get(responses_url(occurrence)).json() == []


def test_after_both_answer_is_visible_once_both_submitted(partner, other_partner, occurrence, as_user):
    services.response_submit(occurrence=occurrence, user=other_partner, answers=ANSWERS)
    services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)
    authors = {r["author"]["id"] for r in as_user(partner).get(responses_url(occurrence)).json()}
    assert authors == {partner.pk, other_partner.pk}


def test_counselor_only_answer_is_invisible_to_the_partner(
    partner, other_partner, make_template, assign, occurrence_of, as_user
):
    occurrence = occurrence_of(assign(make_template(visibility=Visibility.COUNSELOR_ONLY)))
    services.response_submit(occurrence=occurrence, user=other_partner, answers={"feeling": "a"})
    services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "b"})
    authors = {r["author"]["id"] for r in as_user(partner).get(responses_url(occurrence)).json()}
    assert authors == {partner.pk}


def test_counselor_reads_submitted_answers_and_the_read_is_audited(counselor, partner, occurrence, as_user):
    services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)
    assert len(as_user(counselor).get(responses_url(occurrence)).json()) == 1
    assert AuditEvent.objects.filter(actor=counselor, action="response.viewed").count() == 1


def test_counselor_marks_reviewed(counselor, partner, occurrence, as_user):
    answer = services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)
    response = post(as_user(counselor), f"{responses_url(occurrence)}{answer.pk}/review/", {})
    assert response.json()["reviewed_at"] is not None


def test_counselor_comments_and_the_couple_reads_it(counselor, other_partner, occurrence, as_user):
    url = f"/api/v1/occurrences/{occurrence.pk}/comments/"
    assert post(as_user(counselor), url, {"body": "Kind words, both."}).status_code == 201
    assert [c["body"] for c in as_user(other_partner).get(url).json()] == ["Kind words, both."]


def test_an_empty_comment_is_a_400_naming_body(counselor, occurrence, as_user):
    response = post(as_user(counselor), f"/api/v1/occurrences/{occurrence.pk}/comments/", {"body": " "})
    assert response.status_code == 400
    assert list(response.json()) == ["body"]
    assert not Comment.objects.exists()


# Scoping


@pytest.mark.parametrize("who", ["other_counselor", "practice_admin"])
def test_outsider_staff_get_404_on_an_occurrence_and_its_answers(who, request, occurrence, as_user):
    client = as_user(request.getfixturevalue(who))
    assert client.get(f"/api/v1/occurrences/{occurrence.pk}/").status_code == 404
    assert client.get(responses_url(occurrence)).status_code == 404


def test_partner_of_another_couple_gets_404_on_the_answers(other_couple, occurrence, as_user):
    client = as_user(other_couple.partner_one)
    assert client.get(responses_url(occurrence)).status_code == 404
    assert post(client, responses_url(occurrence), {"answers": ANSWERS, "submit": True}).status_code == 404


def test_admin_gets_404_on_a_single_answer(practice_admin, partner, occurrence, as_user):
    answer = services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)
    assert as_user(practice_admin).get(f"{responses_url(occurrence)}{answer.pk}/").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/assignments/", "/api/v1/occurrences/"])
def test_other_counselor_lists_nothing_of_this_caseload(url, other_counselor, occurrence, as_user):
    assert as_user(other_counselor).get(url).json()["results"] == []


def test_other_counselor_cannot_pause(other_counselor, occurrence, as_user):
    response = post(as_user(other_counselor), f"/api/v1/assignments/{occurrence.assignment_id}/pause/", {})
    assert response.status_code == 404


def test_the_schema_lists_the_exercises_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/exercises/",
        "/api/v1/assignments/",
        "/api/v1/occurrences/",
        "/api/v1/occurrences/{occurrence_pk}/responses/",
    ):
        assert f"  {path}:" in schema


def test_occurrences_filter_by_the_callers_own_state(partner, other_partner, occurrence, as_user):
    def mine(client, state):
        return [o["id"] for o in client.get(f"/api/v1/occurrences/?mine={state}").json()["results"]]

    sam, riley = as_user(partner), as_user(other_partner)
    assert (mine(sam, "not_started"), mine(sam, "draft"), mine(sam, "submitted")) == ([occurrence.pk], [], [])
    services.response_save_draft(occurrence=occurrence, user=partner, answers={"i_feel": "calm"})
    assert (mine(sam, "not_started"), mine(sam, "draft")) == ([], [occurrence.pk])
    services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)
    assert (mine(sam, "draft"), mine(sam, "submitted")) == ([], [occurrence.pk])
    assert mine(riley, "not_started") == [occurrence.pk]  # per partner: Riley has not started


def test_an_unknown_mine_state_is_a_400_naming_it(partner, as_user):
    response = as_user(partner).get("/api/v1/occurrences/?mine=maybe")
    assert response.status_code == 400 and "mine" in response.json()
