"""Every change to documents, signatures and intake packets (re-exported: ``services.signature_create(...)``)."""

from intake.services.documents import document_create, document_version_draft, document_version_publish
from intake.services.packets import (
    default_packet_set,
    packet_create,
    packet_hold_override,
    packet_item_add,
    packet_item_remove,
    paperwork_reminders_refresh,
)
from intake.services.signatures import AlreadySigned, signature_create, signature_revoke, signatures_record_access

__all__ = [
    "AlreadySigned",
    "default_packet_set",
    "document_create",
    "document_version_draft",
    "document_version_publish",
    "packet_create",
    "packet_hold_override",
    "packet_item_add",
    "packet_item_remove",
    "paperwork_reminders_refresh",
    "signature_create",
    "signature_revoke",
    "signatures_record_access",
]
