"""Files encrypted at rest: a storage in front of the default one
(docs/encryption.md).

``EncryptedStorage`` writes what it is given as Fernet tokens, one a line
per chunk (portal.crypto.encrypt_chunks), into the default storage (a
folder, or the S3 bucket), and opens a stored file as a stream of its
decrypted bytes, a chunk at a time: a download of the largest attachment
never holds more than a chunk (256 KiB) and its token in memory, and
nothing in the folder or the bucket can be read without the key.

A field that uses it names ``encrypted_storage`` (a callable, so that the
default storage is looked up when a file is read or written: a test that
changes MEDIA_ROOT is followed). ``size()`` is the stored size (the tokens);
the plain size is the model's to keep (messaging.Attachment.size).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO, Any

from django.core.files import File
from django.core.files.storage import Storage, default_storage

from portal import crypto


class _PiecesRaw(io.RawIOBase):
    """A readable stream over the byte pieces a generator gives."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._pending = piece
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class _EncryptingRaw(_PiecesRaw):
    """The stored form of a file, read from the generator that encrypts it."""


class _DecryptingRaw(_PiecesRaw):
    """A stored file's bytes, decrypted a line (a chunk) at a time."""

    def __init__(self, stored: IO[bytes]) -> None:
        super().__init__(crypto.decrypt_lines(iter(stored.readline, b"")))
        self._stored = stored

    def close(self) -> None:
        self._stored.close()
        super().close()


def encrypting_file(content: File[Any], name: str) -> File[Any]:
    """``content`` as it is to be stored: read (or chunked) as its tokens."""
    chunks = content.chunks() if hasattr(content, "chunks") else iter(lambda: content.read(crypto.FILE_CHUNK), b"")
    return File(io.BufferedReader(_EncryptingRaw(crypto.encrypt_chunks(chunks)), crypto.FILE_CHUNK), name=name)


def rotated_file(stored: IO[bytes], name: str) -> File[Any]:
    """An opened stored file as it is to be stored again: each chunk under the newest key."""
    lines = crypto.rotate_lines(iter(stored.readline, b""))
    return File(io.BufferedReader(_EncryptingRaw(lines), crypto.FILE_CHUNK), name=name)


def decrypting_stream(stored: IO[bytes]) -> io.BufferedReader:
    """The plain bytes of an opened stored file (not seekable)."""
    return io.BufferedReader(_DecryptingRaw(stored), crypto.FILE_CHUNK)


class EncryptedStorage(Storage):
    """The default storage, with every file's bytes encrypted."""

    @property
    def inner(self) -> Storage:
        return default_storage

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        if name is None:
            name = content.name
        return self.inner.save(name, encrypting_file(content, str(name)), max_length=max_length)

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("An encrypted file is written with save(), never opened for writing.")
        return File(decrypting_stream(self.inner.open(name, "rb")))

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def size(self, name: str) -> int:
        return self.inner.size(name)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.inner.get_available_name(name, max_length=max_length)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def url(self, name: str | None) -> str:
        raise NotImplementedError("An encrypted file is served by a view that decrypts it, never by its URL.")

    def deconstruct(self) -> tuple[str, tuple[Any, ...], dict[str, Any]]:
        return ("portal.crypto_storage.EncryptedStorage", (), {})


_storage = EncryptedStorage()


def encrypted_storage() -> EncryptedStorage:
    """The storage a FileField names (``storage=encrypted_storage``)."""
    return _storage
