"""Every change to documents and signatures (re-exported: ``services.signature_create(...)``)."""

from intake.services.documents import document_create, document_version_draft, document_version_publish
from intake.services.signatures import AlreadySigned, signature_create, signature_revoke, signatures_record_access

__all__ = [
    "AlreadySigned",
    "document_create",
    "document_version_draft",
    "document_version_publish",
    "signature_create",
    "signature_revoke",
    "signatures_record_access",
]
