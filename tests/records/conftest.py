"""Fixtures of the record tests: Sam and Riley (the `couple` persona, on
Dana's caseload) with a bit of everything a record holds, Riley's private
items marked RILEY-PRIVATE so that a test can look for them in Sam's export,
and the downloads read back (JSON, PDF text)."""

from __future__ import annotations

import io
import json
from datetime import time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone
from pypdf import PdfReader

from exercises import services as exercise_services
from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG
from exercises.models import ExerciseTemplate, Occurrence
from intake import services as intake_services
from intake.models import Document
from messaging import services as messaging_services
from progress import services as progress_services
from progress.builtin import EMOTIONAL_INTIMACY
from progress.models import Measure
from tests.scheduling.helpers import weekday_ahead

FIELDS: list[dict[str, Any]] = [
    {"key": "feeling", "kind": "short_text", "label": "I feel…", "required": True, "max_length": 80},
    {"key": "closeness", "kind": "scale", "label": "How close?", "required": False},
]
SAFE = {"feel_safe": "yes", "afraid": "never", "hurt": "no", "speak_openly": "comfortable"}
UNSAFE = {
    "feel_safe": "no",
    "afraid": "often",
    "hurt": "yes",
    "speak_openly": "afraid",
    "for_counselor": "RILEY-PRIVATE-SCREEN",
}


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _first_occurrence(assignment):
    return Occurrence.objects.filter(assignment=assignment).order_by("sequence").first()


@pytest.fixture
def make_exercise(counselor, couple):
    """make_exercise(title, visibility="at_once", completion_mode="each_partner") -> the first
    occurrence of Dana's own template, assigned to Sam and Riley."""

    def make(title: str, visibility: str = "at_once", completion_mode: str = "each_partner") -> Occurrence:
        template = exercise_services.template_create(
            owner=counselor,
            title=title,
            summary=f"{title}: a summary.",
            instructions="Write.",
            fields=FIELDS,
            visibility=visibility,
            completion_mode=completion_mode,
        )
        assignment = exercise_services.assignment_create(
            counselor=counselor,
            couple=couple,
            template=template,
            starts_on=timezone.localdate(),
            due_on=timezone.localdate() + timedelta(days=1),
            due_time=time(19, 0),
        )
        return _first_occurrence(assignment)

    return make


@pytest.fixture
def intake_packet(couple, counselor, practice_admin):
    """Sam and Riley's intake packet (the consent to treatment, the intake
    questionnaire, the private safety check-in), copied from the default."""
    document = Document.objects.get(slug="consent-to-treatment")
    draft = document.versions.filter(status="draft").first()
    consent = intake_services.document_version_publish(actor=practice_admin, version=draft)
    templates = [
        ExerciseTemplate.objects.get(slug=s, owner=None) for s in (INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG)
    ]
    intake_services.default_packet_set(
        actor=practice_admin, document_ids=[consent.document_id], template_ids=[t.pk for t in templates]
    )
    packet = intake_services.packet_create(actor=counselor, couple=couple)
    return SimpleNamespace(packet=packet, consent=consent)


def _packet_occurrence(packet, slug):
    return Occurrence.objects.get(assignment=packet.items.get(template__slug=slug).assignment)


@pytest.fixture
def filled(couple, counselor, practice_admin, partner, other_partner, make_exercise, intake_packet, edmonds, dana):
    """Sam's record and Riley's private items, every kind of them:

    - Sam: an answer (with Dana's comment), a joint answer, a counselor-only
      answer of his own, a draft, his intake answers and safety check-in, a
      score, a signature, a couple session, a message in the joint
      conversation and his private conversation with Dana.
    - Riley (RILEY-PRIVATE...): a counselor-only answer with Dana's comment,
      her intake answers, a safety check-in that raises the flag, her private
      conversation with Dana.
    """
    submit = exercise_services.response_submit
    shared = make_exercise("Appreciations", visibility="at_once")
    sams = submit(occurrence=shared, user=partner, answers={"feeling": "SAM-GRATEFUL", "closeness": 4})
    exercise_services.comment_add(counselor=counselor, response=sams, body="DANA-ON-SAM: well put.")
    submit(occurrence=shared, user=other_partner, answers={"feeling": "riley-shared", "closeness": 3})
    joint = make_exercise("Plan a date", completion_mode="joint")
    submit(occurrence=joint, user=partner, answers={"feeling": "JOINT-PLAN"})
    hidden = make_exercise("Alone with your counselor", visibility="counselor_only")
    submit(occurrence=hidden, user=partner, answers={"feeling": "SAM-OWN-PRIVATE"})
    rileys = submit(occurrence=hidden, user=other_partner, answers={"feeling": "RILEY-PRIVATE-ANSWER"})
    exercise_services.comment_add(counselor=counselor, response=rileys, body="RILEY-PRIVATE-COMMENT")
    drafted = make_exercise("Letter", visibility="after_both")
    exercise_services.response_save_draft(occurrence=drafted, user=partner, answers={"feeling": "SAM-DRAFT"})

    packet = intake_packet.packet
    intake = _packet_occurrence(packet, INTAKE_QUESTIONNAIRE_SLUG)
    submit(
        occurrence=intake,
        user=partner,
        answers={"what_brings_you": "SAM-INTAKE", "hopes": "Calmer evenings.", "stress": 3},
    )
    submit(
        occurrence=intake,
        user=other_partner,
        answers={"what_brings_you": "RILEY-PRIVATE-INTAKE", "hopes": "RILEY-PRIVATE-HOPES", "stress": 5},
    )
    screen = _packet_occurrence(packet, SAFETY_SCREEN_SLUG)
    submit(occurrence=screen, user=partner, answers=SAFE)
    rileys_screen = submit(occurrence=screen, user=other_partner, answers=UNSAFE)

    measure = Measure.objects.get(slug=EMOTIONAL_INTIMACY, owner=None)
    measured = progress_services.measure_assign(
        counselor=counselor,
        couple=couple,
        measure=measure,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
    )
    submit(occurrence=_first_occurrence(measured), user=partner, answers={i["key"]: 4 for i in measure.items})

    signature = intake_services.signature_create(
        signer=partner,
        version=intake_packet.consent,
        typed_name="Sam Lee",
        agreed=True,
        ip_address="203.0.113.7",
        user_agent="pytest",
    )
    from scheduling import services as scheduling_services
    from tests.scheduling.helpers import at

    appointment = scheduling_services.appointment_book(
        actor=practice_admin, counselor=dana, location=edmonds, start=at(weekday_ahead(1), "10:00"), couple=couple
    )

    joint_thread = messaging_services.thread_start(
        actor=counselor, couple=couple, kind="joint", subject="Between sessions", body="DANA-TO-BOTH"
    )
    messaging_services.message_post(actor=partner, thread=joint_thread, body="SAM-IN-JOINT")
    sams_thread = messaging_services.thread_start(
        actor=counselor, couple=couple, kind="private", partner=partner, subject="Just you", body="DANA-TO-SAM"
    )
    messaging_services.message_post(actor=partner, thread=sams_thread, body="SAM-PRIVATE-REPLY")
    rileys_thread = messaging_services.thread_start(
        actor=counselor,
        couple=couple,
        kind="private",
        partner=other_partner,
        subject="RILEY-PRIVATE-SUBJECT",
        body="RILEY-PRIVATE-THREAD",
    )
    messaging_services.message_post(actor=other_partner, thread=rileys_thread, body="RILEY-PRIVATE-REPLY")
    return SimpleNamespace(
        sams_answer=sams,
        rileys_answer=rileys,
        rileys_screen=rileys_screen,
        signature=signature,
        appointment=appointment,
        joint_thread=joint_thread,
        sams_thread=sams_thread,
        rileys_thread=rileys_thread,
    )


@pytest.fixture
def download():
    """download(client, url) -> the response, checked to be a 200."""

    def get(client, url):
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        return response

    return get


@pytest.fixture
def as_json():
    return lambda response: json.loads(response.content)


@pytest.fixture
def pdf_text():
    """pdf_text(response) -> the text of a PDF download, pages joined."""

    def read(response) -> str:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)

    return read
