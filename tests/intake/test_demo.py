"""The demo practice shows the built-in documents, published."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from intake.models import DocumentVersion, VersionStatus


def test_load_demo_publishes_the_built_in_documents_once(db):
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())
    statuses = list(DocumentVersion.objects.filter(document__is_builtin=True).values_list("status", flat=True))
    assert statuses == [VersionStatus.PUBLISHED] * 6
