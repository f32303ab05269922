"""Fixtures of the intake tests: published documents and signatures."""

from __future__ import annotations

import pytest

from intake import services
from intake.models import Document


@pytest.fixture
def publish(practice_admin):
    """publish(slug, text=None, must_resign=False) -> the published version of a
    built-in document (its shipped draft, or a new draft with ``text``)."""

    def make(slug: str = "consent-to-treatment", text: str | None = None, must_resign: bool = False):
        document = Document.objects.get(slug=slug)
        draft = document.versions.filter(status="draft").first()
        if text is not None or draft is None:
            draft = services.document_version_draft(actor=practice_admin, document=document, text=text or "New text.")
        return services.document_version_publish(actor=practice_admin, version=draft, must_resign=must_resign)

    return make


@pytest.fixture
def consent(publish):
    """The consent to treatment, published (version 1)."""
    return publish("consent-to-treatment")


@pytest.fixture
def sign():
    """sign(user, version, **overrides) -> a signature made through the service."""

    def make(user, version, **overrides):
        values = {
            "typed_name": user.full_name,
            "agreed": True,
            "ip_address": "203.0.113.7",
            "user_agent": "pytest",
            **overrides,
        }
        return services.signature_create(signer=user, version=version, **values)

    return make


@pytest.fixture
def default_packet(consent, practice_admin):
    """The practice's default packet: the consent to treatment (published),
    the intake questionnaire and the private safety check-in."""
    from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG
    from exercises.models import ExerciseTemplate

    templates = [
        ExerciseTemplate.objects.get(slug=s, owner=None) for s in (INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG)
    ]
    return services.default_packet_set(
        actor=practice_admin, document_ids=[consent.document_id], template_ids=[t.pk for t in templates]
    )


@pytest.fixture
def packet(default_packet, couple, counselor):
    """Sam and Riley's packet, copied from the default."""
    return services.packet_create(actor=counselor, couple=couple)


@pytest.fixture
def answer():
    """answer(user, packet, slug, answers=None) -> submit the user's answer to
    the packet's questionnaire ``slug`` (the intake questionnaire's required
    answers, or the safety check-in's "safe" ones, when none are given)."""
    from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG
    from exercises.models import Occurrence
    from exercises.services import response_submit

    defaults = {
        INTAKE_QUESTIONNAIRE_SLUG: {
            "what_brings_you": "We argue about chores.",
            "hopes": "Calmer evenings.",
            "stress": 3,
        },
    }
    safe = {"feel_safe": "yes", "afraid": "never", "hurt": "no", "speak_openly": "comfortable"}

    def make(user, packet, slug, answers=None):
        item = packet.items.get(template__slug=slug)
        occurrence = Occurrence.objects.get(assignment=item.assignment)
        return response_submit(occurrence=occurrence, user=user, answers=answers or defaults.get(slug, safe))

    return make
