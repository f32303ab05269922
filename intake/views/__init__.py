"""Pages of intake (re-exported: ``views.partner_intake``): documents and
signatures (documents.py), the intake packet (packets.py)."""

from intake.views.documents import (
    document_admin_detail,
    document_admin_list,
    document_publish,
    document_sign,
    partner_documents,
    signature_pdf,
    signature_revoke,
)
from intake.views.packets import (
    default_packet,
    packet_detail,
    packet_hold_override,
    packet_item_add,
    packet_item_remove,
    packet_list,
    partner_intake,
)

__all__ = [
    "default_packet",
    "document_admin_detail",
    "document_admin_list",
    "document_publish",
    "document_sign",
    "packet_detail",
    "packet_hold_override",
    "packet_item_add",
    "packet_item_remove",
    "packet_list",
    "partner_documents",
    "partner_intake",
    "signature_pdf",
    "signature_revoke",
]
