"""Sending e-mail over SMTP: Django's backend, with a quicker way to turn the
portal's own messages into bytes.

Django builds every message with the standard library's ``email`` package,
whose generator re-folds each header through ``email.header.Header``: about
0.4 ms per reminder, more than a local SMTP server takes to accept it. The
portal's messages are all alike (a text body, perhaps an HTML alternative,
no attachments), so ``compose`` writes those straight to bytes: the same
headers Django would set, address headers sanitised by Django's own
``sanitize_address``, non-ASCII header values as RFC 2047 encoded words, and
both bodies as quoted-printable UTF-8 (7-bit clean for any relay). Anything
else (attachments, other alternatives, another charset) goes through
Django's own path unchanged. Tests parse the output back with the standard
library and compare it with the message that went in.
"""

from __future__ import annotations

import binascii
import secrets
import smtplib
from collections.abc import Iterable
from email.header import Header
from email.utils import formatdate, getaddresses, make_msgid
from functools import lru_cache

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends import smtp
from django.core.mail.message import BadHeaderError, sanitize_address
from django.core.mail.utils import DNS_NAME

CRLF = "\r\n"
# Set by compose from the message's own fields; not taken from extra_headers.
OWN_HEADERS = frozenset({"from", "to", "cc", "reply-to", "subject", "mime-version", "content-type"})
# Content-Transfer-Encoding is per part here; a message asking for its own is left to Django.
UNSUPPORTED_HEADERS = OWN_HEADERS | {"content-transfer-encoding"}


@lru_cache(maxsize=4096)
def header_value(value: str) -> str:
    """A header value safe to write: no line breaks (header injection), and
    non-ASCII text as encoded words. Cached: subjects and sender names repeat
    across a batch of reminders."""
    if "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r})")
    if value.isascii():
        return value
    return Header(value, "utf-8").encode(linesep=CRLF)


@lru_cache(maxsize=4096)
def _address(address: str) -> str:
    return sanitize_address(address, "utf-8")


@lru_cache(maxsize=4096)
def _address_header(value: str) -> str:
    # As Django's message does: ASCII as given, else each address sanitised.
    if "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r})")
    if value.isascii():
        return value
    sanitized = ", ".join(sanitize_address(address, "utf-8") for address in getaddresses((value,)))
    # A long encoded name comes back folded with bare LFs.
    return sanitized.replace("\r\n", "\n").replace("\n", CRLF)


def _addresses(addresses: Iterable[str]) -> str:
    return _address_header(", ".join(str(address) for address in addresses))


def quoted_printable(text: str) -> bytes:
    """UTF-8 text as quoted-printable lines ending in CRLF."""
    data = text.replace("\r\n", "\n").encode("utf-8")
    return binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")


def _part_headers(subtype: str) -> str:
    return f'Content-Type: text/{subtype}; charset="utf-8"{CRLF}Content-Transfer-Encoding: quoted-printable{CRLF}'


def _parts(message: EmailMessage) -> list[tuple[str, str]] | None:
    """(subtype, text) of each body part, or None if compose can't write it."""
    if message.attachments or (message.encoding or settings.DEFAULT_CHARSET).lower() != "utf-8":
        return None
    if any(name.lower() in UNSUPPORTED_HEADERS for name in message.extra_headers):
        return None
    if message.content_subtype not in ("plain", "html"):
        return None
    parts = [(message.content_subtype, str(message.body))]
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype != "text/html" or message.content_subtype != "plain" or not isinstance(content, str):
            return None
        parts.append(("html", content))
    return parts if len(parts) <= 2 else None


def compose(message: EmailMessage) -> bytes | None:
    """The message as bytes ready for SMTP, or None when Django's own
    serialization must be used (see the module's docstring)."""
    parts = _parts(message)
    if parts is None:
        return None
    names = {name.lower() for name in message.extra_headers}
    head = [
        f"Subject: {header_value(str(message.subject))}",
        f"From: {_address_header(str(message.from_email))}",
    ]
    for name, addresses in (("To", message.to), ("Cc", message.cc), ("Reply-To", message.reply_to)):
        if addresses:
            head.append(f"{name}: {_addresses(addresses)}")
    if "date" not in names:
        head.append(f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}")
    if "message-id" not in names:
        head.append(f"Message-ID: {make_msgid(domain=DNS_NAME)}")
    head += [f"{name}: {header_value(str(value))}" for name, value in message.extra_headers.items()]
    head.append("MIME-Version: 1.0")
    if len(parts) == 1:
        (subtype, text), *_ = parts
        return (CRLF.join(head) + CRLF + _part_headers(subtype) + CRLF).encode("ascii") + quoted_printable(text)
    boundary = f"=_portal_{secrets.token_hex(16)}"
    head.append(f'Content-Type: multipart/alternative; boundary="{boundary}"')
    chunks = [(CRLF.join(head) + CRLF + CRLF).encode("ascii")]
    for subtype, text in parts:
        chunks += [f"--{boundary}{CRLF}{_part_headers(subtype)}{CRLF}".encode("ascii"), quoted_printable(text), b"\r\n"]
    chunks.append(f"--{boundary}--{CRLF}".encode("ascii"))
    return b"".join(chunks)


class EmailBackend(smtp.EmailBackend):
    """Django's SMTP backend (connection, TLS, login, timeouts unchanged)
    sending composed bytes where it can."""

    def _send(self, email_message: EmailMessage) -> bool:
        raw = compose(email_message)
        if raw is None:
            return bool(super()._send(email_message))  # type: ignore[misc]  # a hook django-stubs leave out
        recipients = email_message.recipients()
        if not recipients:
            return False
        assert self.connection is not None  # send_messages opened it
        try:
            self.connection.sendmail(_address(str(email_message.from_email)), [_address(a) for a in recipients], raw)
        except smtplib.SMTPException:
            if not self.fail_silently:
                raise
            return False
        return True
