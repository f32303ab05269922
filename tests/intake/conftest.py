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
