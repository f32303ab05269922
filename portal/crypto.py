"""Clinical content encrypted at rest (docs/encryption.md).

Text and JSON are stored as Fernet tokens (AES-128-CBC and HMAC-SHA256,
from ``cryptography``) under the keys of ``settings.FIELD_ENCRYPTION_KEYS``
(portal/keys.py), newest first: a write uses the first, a read tries each
(MultiFernet), so a new key is put in front and ``manage.py
encryption_rotate`` re-encrypts the rest under it.

- ``EncryptedTextField``: a text column holding a token. The empty string is
  stored as itself (constraints such as ``comment_body_not_empty`` and
  ``message_deleted_has_no_body`` keep working); any other text is a token.
- ``EncryptedJSONField``: a text column holding a token of the JSON.

Neither can be searched in SQL: a token differs at every write. Their only
lookups are ``isnull`` and ``exact``/``in`` against the empty string; any
other lookup (``answers__happened``, ``body__icontains``) is an error, not a
silently empty result. What must be queried stays in other, clear columns.

A value no key opens raises ``UndecryptableValue`` (a 500), never shows the
token; the start-up check (portal.checks) refuses to start first.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Iterator
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, In, IsNull, Lookup


class UndecryptableValue(Exception):
    """No configured key opens this value (a missing or wrong key)."""


@functools.lru_cache(maxsize=8)
def _fernet_of(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


@functools.lru_cache(maxsize=8)
def _primary_of(keys: tuple[str, ...]) -> Fernet:
    return Fernet(keys[0])


def _keys() -> tuple[str, ...]:
    return tuple(settings.FIELD_ENCRYPTION_KEYS)


def encrypt_bytes(data: bytes) -> bytes:
    return _fernet_of(_keys()).encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return _fernet_of(_keys()).decrypt(token)
    except InvalidToken:
        raise UndecryptableValue("No configured encryption key opens this value.") from None


def encrypt(text: str) -> str:
    """``text`` as a token under the newest key (the empty string stays empty)."""
    return encrypt_bytes(text.encode("utf-8")).decode("ascii") if text else ""


def decrypt(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode("utf-8") if token else ""


def is_under_newest_key(token: str | bytes) -> bool:
    """True when the newest key opens ``token`` (rotation skips it)."""
    raw = token.encode("ascii") if isinstance(token, str) else token
    try:
        _primary_of(_keys()).decrypt(raw)
    except InvalidToken:
        return False
    return True


def rotate(token: str) -> str:
    """``token`` re-encrypted under the newest key (UndecryptableValue if no key opens it)."""
    if not token:
        return token
    try:
        return _fernet_of(_keys()).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise UndecryptableValue("No configured encryption key opens this value.") from None


class EncryptedMixin:
    """What both fields share: the lookups, and being recognisable (portal.checks, encryption_rotate)."""

    encrypted = True

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        allowed = {"isnull": IsNull, "exact": _EmptyExact, "in": _EmptyIn}
        if lookup_name not in allowed:
            return None
        return allowed[lookup_name]

    def get_transform(self, lookup_name: str) -> Any:
        return None


class _EmptyOnly:
    """``exact``/``in`` compare with the empty string only: any other text is a fresh token, never equal."""

    def get_prep_lookup(self) -> Any:
        values = self.rhs if isinstance(self.rhs, list | tuple | set) else [self.rhs]  # type: ignore[attr-defined]
        if any(value not in ("", None) for value in values):
            raise FieldError("An encrypted field is compared with the empty string only (its tokens differ).")
        return super().get_prep_lookup()  # type: ignore[misc]


class _EmptyExact(_EmptyOnly, Exact):
    pass


class _EmptyIn(_EmptyOnly, In):
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):
    """Text encrypted in its column; the empty string stays empty."""

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return encrypt(str(value))

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else decrypt(value)


class EncryptedJSONField(EncryptedMixin, models.TextField):
    """JSON encrypted in a text column. The value in Python is what JSONField would give."""

    # For django-stubs: any JSON value, as a JSONField's.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return encrypt_bytes(json.dumps(value, ensure_ascii=False).encode("utf-8")).decode("ascii")

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(decrypt_bytes(value.encode("ascii")))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(self, **kwargs: Any) -> Any:
        from django.forms import JSONField as JSONFormField

        return super().formfield(**{"form_class": JSONFormField, **kwargs})


def encrypted_columns(model: type[models.Model]) -> list[str]:
    """The columns of ``model`` that hold tokens."""
    return [str(field.column) for field in model._meta.concrete_fields if getattr(field, "encrypted", False)]


# Files (message attachments): the bytes cut into chunks, each chunk one
# Fernet token on a line of its own, so a download decrypts as it streams
# and never holds more than a chunk.
FILE_CHUNK = 256 * 1024
FILE_MAGIC = b"portal-fernet-chunks-1\n"


def encrypt_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The stored form of a file given as ``chunks`` of its bytes: a first
    line naming the format, then one token a line per FILE_CHUNK bytes."""
    fernet = _fernet_of(_keys())
    yield FILE_MAGIC
    pending = b""
    for chunk in chunks:
        pending += chunk
        while len(pending) >= FILE_CHUNK:
            yield fernet.encrypt(pending[:FILE_CHUNK]) + b"\n"
            pending = pending[FILE_CHUNK:]
    if pending:
        yield fernet.encrypt(pending) + b"\n"


def decrypt_lines(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The bytes of a stored file given as its lines (UndecryptableValue if it is not one)."""
    iterator = iter(lines)
    if next(iterator, b"") != FILE_MAGIC:
        raise UndecryptableValue("This file is not an encrypted attachment.")
    for line in iterator:
        token = line.strip()
        if token:
            yield decrypt_bytes(token)


def rotate_lines(lines: Iterable[bytes]) -> Iterator[bytes]:
    """A stored file's lines re-encrypted under the newest key."""
    fernet = _fernet_of(_keys())
    iterator = iter(lines)
    if next(iterator, b"") != FILE_MAGIC:
        raise UndecryptableValue("This file is not an encrypted attachment.")
    yield FILE_MAGIC
    for line in iterator:
        token = line.strip()
        if token:
            try:
                yield fernet.rotate(token) + b"\n"
            except InvalidToken:
                raise UndecryptableValue("No configured encryption key opens this file.") from None


def file_is_under_newest_key(lines: Iterable[bytes]) -> bool:
    """True when the first chunk of a stored file opens with the newest key (rotation skips it)."""
    iterator = iter(lines)
    if next(iterator, b"") != FILE_MAGIC:
        return False
    first = next(iterator, b"").strip()
    return not first or is_under_newest_key(first)
