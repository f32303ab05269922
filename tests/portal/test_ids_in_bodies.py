"""Every id an API write carries in its body is resolved through the caller's
scope first: Dana (a counselor) posting the id of Owen's couple, client,
template or answer, of another counselor, or of a closed office, gets exactly
the answer a missing id gets. Add a row here for every new write with an id."""

import json
from datetime import time, timedelta

import pytest
from django.utils import timezone

from exercises import services as exercise_services
from exercises.models import ExerciseTemplate, Occurrence
from progress.builtin import EMOTIONAL_INTIMACY
from progress.models import Measure
from tests.factories import LocationFactory

MISSING = 987654321
FIELDS = [{"key": "feeling", "kind": "short_text", "label": "I feel", "required": True, "max_length": 50}]


def _owens_answer(other_counselor, other_couple):
    template = exercise_services.template_create(
        owner=other_counselor, title="Owen's check", summary="A check.", instructions="Write.", fields=FIELDS
    )
    assignment = exercise_services.assignment_create(
        counselor=other_counselor,
        couple=other_couple,
        template=template,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
    )
    occurrence = Occurrence.objects.filter(assignment=assignment).first()
    return exercise_services.response_submit(
        occurrence=occurrence, user=other_couple.partner_one, answers={"feeling": "calm"}
    )


def _danas_occurrence(counselor, couple):
    template = ExerciseTemplate.objects.filter(owner__isnull=True, is_archived=False).first()
    assignment = exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
    )
    return Occurrence.objects.filter(assignment=assignment).first()


def _start():
    return (timezone.now() + timedelta(days=9)).replace(microsecond=0).isoformat()


# (name, field, builder(p) -> (url, body_for(id), out_of_scope_id))
CASES = {
    "appointment couple": lambda p: (
        "/api/v1/appointments/",
        lambda i: {"counselor": p.counselor.pk, "location": p.location.pk, "start": _start(), "couple": i},
        p.other_couple.pk,
        "couple",
    ),
    "appointment individual client": lambda p: (
        "/api/v1/appointments/",
        lambda i: {
            "counselor": p.counselor.pk,
            "location": p.location.pk,
            "start": _start(),
            "kind": "individual_session",
            "couple": p.couple.pk,
            "individual_client": i,
        },
        p.other_couple.partner_one.pk,
        "individual_client",
    ),
    "appointment counselor": lambda p: (
        "/api/v1/appointments/",
        lambda i: {"counselor": i, "location": p.location.pk, "start": _start(), "couple": p.couple.pk},
        p.other_counselor.pk,
        "counselor",
    ),
    "appointment location": lambda p: (
        "/api/v1/appointments/",
        lambda i: {"counselor": p.counselor.pk, "location": i, "start": _start(), "couple": p.couple.pk},
        p.closed_location.pk,
        "location",
    ),
    "series couple": lambda p: (
        "/api/v1/appointments/series/",
        lambda i: {
            "counselor": p.counselor.pk,
            "location": p.location.pk,
            "first_start": _start(),
            "count": 2,
            "couple": i,
        },
        p.other_couple.pk,
        "couple",
    ),
    "series counselor": lambda p: (
        "/api/v1/appointments/series/",
        lambda i: {
            "counselor": i,
            "location": p.location.pk,
            "first_start": _start(),
            "count": 2,
            "couple": p.couple.pk,
        },
        p.other_counselor.pk,
        "counselor",
    ),
    "invitation counselor": lambda p: (
        "/api/v1/invitations/",
        lambda i: {
            "partner_one_name": "Ada Ray",
            "partner_one_email": "ada@example.test",
            "partner_two_name": "Bo Ray",
            "partner_two_email": "bo@example.test",
            "primary_counselor": i,
        },
        p.other_counselor.pk,
        "primary_counselor",
    ),
    "assignment couple": lambda p: (
        "/api/v1/assignments/",
        lambda i: {"template": p.builtin.pk, "couple": i, "starts_on": "2030-01-01", "due_time": "19:00"},
        p.other_couple.pk,
        "couple",
    ),
    "assignment template": lambda p: (
        "/api/v1/assignments/",
        lambda i: {"template": i, "couple": p.couple.pk, "starts_on": "2030-01-01", "due_time": "19:00"},
        p.owens_answer.occurrence.assignment.template_id,
        "template",
    ),
    "measure couple": lambda p: (
        f"/api/v1/measures/{p.measure.pk}/assign/",
        lambda i: {"couple": i, "starts_on": "2030-01-01", "due_time": "19:00"},
        p.other_couple.pk,
        "couple",
    ),
    "comment response": lambda p: (
        f"/api/v1/occurrences/{p.danas_occurrence.pk}/comments/",
        lambda i: {"body": "Well done.", "response": i},
        p.owens_answer.pk,
        "response",
    ),
}


@pytest.fixture
def scene(personas, edmonds):
    personas.location = edmonds
    personas.closed_location = LocationFactory(is_active=False)
    personas.builtin = ExerciseTemplate.objects.filter(owner__isnull=True, is_archived=False).first()
    personas.measure = Measure.objects.get(slug=EMOTIONAL_INTIMACY, owner=None)
    personas.owens_answer = _owens_answer(personas.other_counselor, personas.other_couple)
    personas.danas_occurrence = _danas_occurrence(personas.counselor, personas.couple)
    return personas


@pytest.mark.parametrize("case", CASES)
def test_an_out_of_scope_id_in_a_body_answers_exactly_like_a_missing_one(case, scene, as_user):
    url, body_for, out_of_scope, field = CASES[case](scene)
    client = as_user(scene.counselor)
    foreign = client.post(url, body_for(out_of_scope), content_type="application/json")
    missing = client.post(url, body_for(MISSING), content_type="application/json")
    # DRF names the id it could not find ('Invalid pk "7"'): the same words around it.
    foreign_answer = json.dumps(foreign.json()).replace(f'\\"{out_of_scope}\\"', "ID")
    missing_answer = json.dumps(missing.json()).replace(f'\\"{MISSING}\\"', "ID")
    assert (foreign.status_code, foreign_answer) == (missing.status_code, missing_answer)
    assert missing.status_code == 400
    assert field in missing.json()


# Writes whose ids in the body name what is acted on (a version to sign, a
# document or questionnaire to add, the couple or partner a conversation is
# with): out of scope and missing alike are 404.
# (name: builder(p) -> (poster, url, body_for(id), out_of_scope_id))
NOT_FOUND_CASES = {
    "signature of an unpublished version": lambda p: (
        p.partner,
        "/api/v1/signatures/",
        lambda i: {"version": i, "typed_name": p.partner.full_name, "agreed": True},
        p.draft_version.pk,
    ),
    "intake packet questionnaire": lambda p: (
        p.counselor,
        f"/api/v1/intake-packets/{p.packet.pk}/items/",
        lambda i: {"template": i},
        p.owens_answer.occurrence.assignment.template_id,
    ),
    "intake packet document": lambda p: (
        p.counselor,
        f"/api/v1/intake-packets/{p.packet.pk}/items/",
        lambda i: {"document": i},
        p.archived_document.pk,
    ),
    "thread of another counselor's couple": lambda p: (
        p.counselor,
        "/api/v1/threads/",
        lambda i: {"couple": i, "kind": "joint", "body": "Hello both."},
        p.other_couple.pk,
    ),
    "private thread with another couple's partner": lambda p: (
        p.counselor,
        "/api/v1/threads/",
        lambda i: {"couple": p.couple.pk, "kind": "private", "partner": i, "body": "Hello."},
        p.other_couple.partner_one.pk,
    ),
}


@pytest.fixture
def intake_scene(scene, practice_admin):
    from intake import services as intake_services
    from intake.models import Document, DocumentVersion

    scene.draft_version = DocumentVersion.objects.get(document__slug="privacy-notice", status="draft")
    scene.archived_document = Document.objects.create(
        slug="old-form", kind="other", title="Old form", archived=True, requires_signature=True
    )
    scene.packet = intake_services.packet_create(actor=scene.counselor, couple=scene.couple)
    return scene


@pytest.mark.parametrize("case", NOT_FOUND_CASES)
def test_an_out_of_scope_id_naming_the_target_answers_404_like_a_missing_one(case, intake_scene, as_user):
    poster, url, body_for, out_of_scope = NOT_FOUND_CASES[case](intake_scene)
    client = as_user(poster)
    foreign = client.post(url, body_for(out_of_scope), content_type="application/json")
    missing = client.post(url, body_for(MISSING), content_type="application/json")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert missing.status_code == 404
