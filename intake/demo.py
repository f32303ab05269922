"""The demo practice's documents: the built-in drafts, published by its front
desk so that partners have something to read and sign (a real practice
reviews them first)."""

from __future__ import annotations

from accounts.models import User
from intake import services
from intake.builtin import install_builtin_documents
from intake.models import Document, VersionStatus


def demo_documents_load(*, admin: User) -> None:
    """Publish each built-in document that has no live version; running it again changes nothing."""
    install_builtin_documents()
    for document in Document.objects.filter(is_builtin=True).exclude(versions__status=VersionStatus.PUBLISHED):
        draft = document.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is not None:
            services.document_version_publish(actor=admin, version=draft)
