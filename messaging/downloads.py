"""Serving an attachment, for the API and the pages alike.

A file is only ever served through here: the reader must be allowed to read
the thread (policy.can_download_attachment; anything else, a deleted
message's file included, is a 404 like a missing id), the type sent is the
one checked against the file's bytes at upload, a browser is told not to
guess another (nosniff), anything but an image is a download (never shown
inline), and nobody keeps a copy (no-store). A staff download is audited
(ATTACHMENT_DOWNLOADED, ids only).
"""

from __future__ import annotations

from django.http import FileResponse, Http404

from accounts.models import AuditAction, User
from accounts.services import audit_record
from messaging.models import Attachment, Thread
from portal import policy


def attachment_for(
    user: User, attachment_id: object, *, thread: Thread | None = None, message_id: object = None
) -> Attachment:
    """The attachment with this id, with its message, thread and couple, if
    ``user`` may download it (within ``thread`` and message ``message_id``
    when given), else 404."""
    try:
        lookup = {"pk": int(str(attachment_id))}
        if message_id is not None:
            lookup["message_id"] = int(str(message_id))
    except (TypeError, ValueError):
        raise Http404("No such attachment.") from None
    found = Attachment.objects.select_related("message__thread__couple").filter(**lookup)
    if thread is not None:
        found = found.filter(message__thread=thread)
    attachment = found.first()
    if attachment is None or not policy.can_download_attachment(user, attachment):
        raise Http404("No such attachment.")
    return attachment


def attachment_response(user: User, attachment: Attachment, *, view: str = "page") -> FileResponse:
    """The file as a streamed response, after the policy check (404); a
    staff download is audited with ``view`` (where it came from)."""
    if not policy.can_download_attachment(user, attachment):
        raise Http404("No such attachment.")
    thread = attachment.message.thread
    try:
        handle = attachment.file.open("rb")
    except OSError:  # recorded but gone from storage: nothing to serve
        raise Http404("No such attachment.") from None
    if policy.thread_read_is_audited(user, thread):
        audit_record(
            actor=user,
            action=AuditAction.ATTACHMENT_DOWNLOADED,
            target=attachment,
            message=attachment.message_id,
            thread=thread.pk,
            couple=thread.couple_id,
            view=view,
        )
    response = FileResponse(
        handle,
        content_type=attachment.content_type,
        as_attachment=not attachment.is_image,
        filename=attachment.original_name,
    )
    # The file is decrypted as it streams (portal.crypto_storage): its plain size is the recorded one.
    response["Content-Length"] = str(attachment.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
