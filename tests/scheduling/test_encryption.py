"""An intake request's note, a prospective client's own words, is encrypted at
rest (docs/encryption.md): plain SQL shows none of it, the front desk reads it."""

from __future__ import annotations

from django.db import connection

from scheduling.models import IntakeRequest
from scheduling.services import intake_request_create

MARK = "Osprey-Cobalt-3306"


def test_the_note_is_no_text_in_sql_and_the_front_desk_reads_it(db, practice_admin, as_user):
    request = intake_request_create(
        names="Pat and Lee", email="pat@example.test", note=f"{MARK}: we fight about his drinking."
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM scheduling_intakerequest")
        stored = repr(cursor.fetchall())
    assert MARK not in stored and "drinking" not in stored
    assert "Pat and Lee" in stored  # contact details stay clear (the front desk's list)
    assert IntakeRequest.objects.get(pk=request.pk).note == f"{MARK}: we fight about his drinking."
    page = as_user(practice_admin).get(f"/intake-requests/{request.pk}/")
    assert page.status_code == 200
    assert MARK in page.content.decode()
