"""Checking and storing a message's attachments.

A file is accepted when its bytes (not its name, not the type the browser
claimed) are a JPEG, PNG, GIF, WebP image or a PDF, as the ``filetype``
package reads them from the first bytes, and when it holds between 1 byte
and MAX_ATTACHMENT_BYTES. The size is checked twice: from what the upload
says before anything is written (check_uploads), and by counting the bytes
while they stream to storage (attachment_store), where going over the limit
stops the write.

Nothing is written until every file of a message has passed check_uploads;
the service that stores them removes what it wrote if anything fails
afterwards (discard), so a refused or failed post leaves no file behind.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import filetype
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.utils.translation import gettext, ngettext

from messaging.models import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    MAX_ORIGINAL_NAME,
    Attachment,
    Message,
    attachment_path,
)

logger = logging.getLogger(__name__)

MAX_FILES_PER_MESSAGE = 10
# filetype reads at most this many bytes to recognise a file.
HEAD_BYTES = 8192
LIMIT_MB = MAX_ATTACHMENT_BYTES // (1024 * 1024)


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed check_uploads: its cleaned name and the type its bytes say."""

    upload: Any  # an UploadedFile, or any File with chunks() and seek()
    original_name: str
    content_type: str


def clean_name(name: str | None) -> str:
    """The name to keep for the download: its last path part, without
    control characters, at most MAX_ORIGINAL_NAME characters (the extension kept)."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    base = " ".join(base.split()).strip(". ") or "attachment"
    if len(base) > MAX_ORIGINAL_NAME:
        suffix = PurePosixPath(base).suffix[:16]
        base = base[: MAX_ORIGINAL_NAME - len(suffix)] + suffix
    return base


def _head(upload: Any) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    return bytes(head or b"")


def detected_type(head: bytes) -> str | None:
    """The MIME type the bytes say, if it is one we accept."""
    kind = filetype.guess(head) if head else None
    mime = kind.mime if kind is not None else None
    return mime if mime in ATTACHMENT_TYPES else None


def check_uploads(files: Sequence[Any]) -> list[CheckedUpload]:
    """Every file checked before any is written; a ValidationError on
    ``files`` naming each refused one (the sender's own file names)."""
    if len(files) > MAX_FILES_PER_MESSAGE:
        raise ValidationError(
            {
                "files": ngettext(
                    "Attach at most %(count)d file to one message.",
                    "Attach at most %(count)d files to one message.",
                    MAX_FILES_PER_MESSAGE,
                )
                % {"count": MAX_FILES_PER_MESSAGE}
            }
        )
    checked: list[CheckedUpload] = []
    errors: list[str] = []
    for upload in files:
        name = clean_name(getattr(upload, "name", None))
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_ATTACHMENT_BYTES:
            errors.append(gettext("“%(name)s” is larger than %(size)s MB.") % {"name": name, "size": LIMIT_MB})
            continue
        head = _head(upload)
        if not head:
            errors.append(gettext("“%(name)s” is empty.") % {"name": name})
            continue
        content_type = detected_type(head)
        if content_type is None:
            errors.append(gettext("“%(name)s” is not a photo (JPEG, PNG, GIF or WebP) or a PDF.") % {"name": name})
            continue
        checked.append(CheckedUpload(upload=upload, original_name=name, content_type=content_type))
    if errors:
        raise ValidationError({"files": errors})
    return checked


class _CountingFile(File):
    """The upload as storage reads it: its chunks counted and hashed on the
    way, the write stopped once it passes the limit. (No
    temporary_file_path: a storage must stream it, not move the file.)"""

    def __init__(self, upload: Any, name: str) -> None:
        super().__init__(upload, name=name)
        self.upload = upload
        self.bytes_read = 0
        self.hasher = hashlib.sha256()

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        self.upload.seek(0)
        for chunk in self.upload.chunks(chunk_size) if hasattr(self.upload, "chunks") else [self.upload.read()]:
            self.bytes_read += len(chunk)
            if self.bytes_read > MAX_ATTACHMENT_BYTES:
                raise ValidationError({"files": gettext("A file is larger than %(size)s MB.") % {"size": LIMIT_MB}})
            self.hasher.update(chunk)
            yield chunk

    @property
    def size(self) -> int:
        return int(getattr(self.upload, "size", None) or 0)


def _storage() -> Storage:
    return Attachment._meta.get_field("file").storage


def attachment_store(*, message: Message, checked: CheckedUpload, written: list[str]) -> Attachment:
    """Stream one checked upload to storage and record it. The name is
    appended to ``written`` before the write starts, so that the caller's
    clean-up (discard) also removes a partly written file."""
    storage = _storage()
    name = attachment_path(None, checked.original_name)
    stream = _CountingFile(checked.upload, name)
    written.append(name)
    stored = storage.save(name, stream, max_length=200)
    written[-1] = stored
    if stream.bytes_read == 0:
        raise ValidationError({"files": gettext("“%(name)s” is empty.") % {"name": checked.original_name}})
    return Attachment.objects.create(
        message=message,
        file=stored,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=stream.bytes_read,
        sha256=stream.hasher.hexdigest(),
    )


def discard(names: Sequence[str]) -> None:
    """Remove stored files: written for a post that did not happen, or of a
    couple whose retention period has run out. A file that cannot be removed
    is logged (its path only: a random name) and left."""
    storage = _storage()
    for name in names:
        try:
            if storage.exists(name):
                storage.delete(name)
        except Exception:
            logger.warning("Could not remove the attachment file %s", name, exc_info=True)
