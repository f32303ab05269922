"""The demo practice's documents: the built-in drafts, published by its front
desk so that partners have something to read and sign (a real practice
reviews them first)."""

from __future__ import annotations

from accounts.models import Couple, User
from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG
from exercises.models import ExerciseTemplate
from intake import services
from intake.builtin import install_builtin_documents
from intake.models import DefaultPacketItem, Document, DocumentVersion, IntakePacket, VersionStatus


def demo_documents_load(*, admin: User) -> None:
    """Publish each built-in document that has no live version; running it again changes nothing."""
    install_builtin_documents()
    for document in Document.objects.filter(is_builtin=True).exclude(versions__status=VersionStatus.PUBLISHED):
        draft = document.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            services.document_version_publish(actor=admin, version=draft)


DEMO_PACKET_DOCUMENTS = ("consent-to-treatment", "privacy-notice", "couples-confidentiality", "cancellation-policy")


def demo_packet_load(*, admin: User, couple: Couple) -> None:
    """The practice's default packet (four documents, the two built-in
    questionnaires) and, for ``couple`` (the newest), their packet with one
    partner part-way through: the front door as a new couple meets it.
    Running it again changes nothing."""
    if not DefaultPacketItem.objects.exists():
        documents = Document.objects.filter(slug__in=DEMO_PACKET_DOCUMENTS)
        templates = ExerciseTemplate.objects.filter(
            owner__isnull=True, slug__in=(INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG)
        ).order_by("-slug")
        services.default_packet_set(
            actor=admin, document_ids=[d.pk for d in documents], template_ids=[t.pk for t in templates]
        )
    if IntakePacket.objects.filter(couple=couple).exists():
        return
    services.packet_create(actor=admin, couple=couple)
    signer = couple.partner_one
    for slug in DEMO_PACKET_DOCUMENTS[:2]:
        version = DocumentVersion.objects.get(document__slug=slug, status=VersionStatus.PUBLISHED)
        services.signature_create(
            signer=signer,
            version=version,
            typed_name=signer.full_name,
            agreed=True,
            ip_address="203.0.113.10",
            user_agent="Demo data",
        )
