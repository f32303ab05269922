"""Fixtures of the messaging tests: Dana's conversations with Sam and Riley
(joint, and a private one with each), Owen's with Jo and Kim, files to
attach, and a media root of the test's own."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exercises.services import couple_set_high_conflict
from messaging import services
from messaging.models import MessagingSettings


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments are written under the test's own directory."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def start(counselor):
    """start(kind="joint", partner=None, actor=Dana, couple=Sam and Riley, body=...) -> a thread."""

    def make(kind="joint", partner=None, *, actor=None, couple=None, subject="", body="Hello both."):
        if couple is None:
            couple = (actor or counselor).primary_couples.first()
        return services.thread_start(
            actor=actor or counselor, couple=couple, kind=kind, partner=partner, subject=subject, body=body
        )

    return make


@pytest.fixture
def joint(start, couple):
    """Dana's joint conversation with Sam and Riley."""
    return start("joint", couple=couple, subject="Between sessions")


@pytest.fixture
def sams_private(start, couple, partner):
    """Dana's private conversation with Sam."""
    return start("private", partner, couple=couple, body="Hello Sam.")


@pytest.fixture
def rileys_private(start, couple, other_partner):
    """Dana's private conversation with Riley."""
    return start("private", other_partner, couple=couple, body="Hello Riley.")


@pytest.fixture
def other_joint(start, other_couple, other_counselor):
    """Owen's joint conversation with Jo and Kim."""
    return start("joint", actor=other_counselor, couple=other_couple, body="Hello Jo and Kim.")


@pytest.fixture
def clients_may_start(db):
    settings = MessagingSettings.load()
    settings.clients_may_start_threads = True
    settings.save()
    return settings


@pytest.fixture
def high_conflict(couple, counselor):
    """Sam and Riley marked high-conflict by Dana."""
    couple_set_high_conflict(couple=couple, counselor=counselor, high_conflict=True)
    return couple


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
# The start of a Windows executable: "MZ", then the DOS stub's header.
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 240
    + b"This program cannot be run in DOS mode."
)


@pytest.fixture
def png_bytes() -> bytes:
    return _png()


@pytest.fixture
def pdf_bytes() -> bytes:
    return PDF


@pytest.fixture
def exe_bytes() -> bytes:
    return EXE


@pytest.fixture
def upload():
    """upload(name, content, content_type="application/octet-stream") -> an uploaded file."""

    def make(name, content, content_type="application/octet-stream"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make


@pytest.fixture
def stored_files(media_root):
    """stored_files() -> the paths of every file under the media root."""

    def find():
        return sorted(p for p in media_root.rglob("*") if p.is_file())

    return find
