"""Sam's record never holds Riley's private items (her counselor-only
answer and Dana's comment on it, her intake answers, her safety check-in,
her private conversation), whoever exports it and in whichever format."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

MARK = "RILEY-PRIVATE"


def test_sams_json_holds_none_of_rileys_private_items(filled, partner, as_user, download):
    body = download(as_user(partner), "/me/record.json").content.decode()
    assert "SAM-GRATEFUL" in body  # the record is there
    assert MARK not in body


def test_sams_pdf_holds_none_of_rileys_private_items(filled, partner, as_user, download, pdf_text):
    text = pdf_text(download(as_user(partner), "/me/record.pdf"))
    assert "SAM-GRATEFUL" in text
    assert MARK not in text


def test_rileys_private_answers_and_conversation_are_not_named_by_id_either(filled, partner, as_user, download):
    record = json.loads(download(as_user(partner), "/me/record.json").content)
    answer_ids = {a["id"] for e in record["exercises"] for a in e["answers"]}
    fhir_ids = {entry["resource"]["id"] for entry in record["fhir"]["entry"]}
    assert filled.rileys_answer.pk not in answer_ids and filled.rileys_screen.pk not in answer_ids
    assert f"response-{filled.rileys_answer.pk}" not in fhir_ids
    assert f"response-{filled.rileys_screen.pk}" not in fhir_ids
    assert filled.rileys_thread.pk not in {c["id"] for c in record["conversations"]}


@pytest.mark.parametrize("staff", ["counselor", "practice_admin"])
@pytest.mark.parametrize("export_format", ["json", "pdf"])
def test_a_staff_export_of_sam_holds_none_of_rileys_private_items(
    staff, export_format, filled, partner, as_user, download, pdf_text, request
):
    response = download(
        as_user(request.getfixturevalue(staff)), f"/records/clients/{partner.pk}/record.{export_format}"
    )
    text = pdf_text(response) if export_format == "pdf" else response.content.decode()
    assert "SAM-GRATEFUL" in text
    assert MARK not in text


def test_rileys_own_record_holds_her_private_items_but_not_sams(filled, other_partner, as_user, download):
    body = download(as_user(other_partner), "/me/record.json").content.decode()
    assert "RILEY-PRIVATE-ANSWER" in body and "RILEY-PRIVATE-REPLY" in body
    assert "SAM-OWN-PRIVATE" not in body and "SAM-PRIVATE-REPLY" not in body


def test_no_safety_flag_nor_staff_note_is_in_a_record(filled, other_partner, as_user, download, counselor):
    filled.appointment.staff_note = "STAFF-NOTE-ONLY"
    filled.appointment.save(update_fields=["staff_note"])
    body = download(as_user(other_partner), "/me/record.json").content.decode()
    assert "STAFF-NOTE-ONLY" not in body
    assert "risk" not in body.lower() and "safety_mode" not in body
