"""Who downloads which record: a client their own; Dana (Sam and Riley's
counselor) and Alex (the front desk) a client's on request; Owen (another
caseload) and the other partner get 404. Every export is audited; every
download is no-store; URLs carry ids only."""

from __future__ import annotations

import pytest

from accounts.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def _exports():
    return AuditEvent.objects.filter(action=AuditAction.RECORD_EXPORTED)


@pytest.mark.parametrize("export_format", ["json", "pdf"])
def test_a_client_downloads_their_own_record_as_an_attachment_never_stored(export_format, partner, as_user):
    response = as_user(partner).get(f"/me/record.{export_format}")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("application/pdf" if export_format == "pdf" else "application/json")


def test_the_clients_own_download_is_audited(partner, as_user):
    as_user(partner).get("/me/record.json")
    event = _exports().get()
    assert (event.actor, event.target_id, event.details["by"], event.details["format"]) == (
        partner,
        str(partner.pk),
        "client",
        "json",
    )


def test_the_couples_counselor_exports_a_clients_record_and_it_is_audited(filled, counselor, partner, as_user):
    response = as_user(counselor).get(f"/records/clients/{partner.pk}/record.pdf")
    assert response.status_code == 200
    event = _exports().get()
    assert (event.actor, event.target_id, event.details["by"]) == (counselor, str(partner.pk), "staff")


def test_a_staff_export_records_the_reading_of_each_answer_and_conversation(filled, counselor, partner, as_user):
    as_user(counselor).get(f"/records/clients/{partner.pk}/record.json")
    read = AuditEvent.objects.filter(actor=counselor, action=AuditAction.RESPONSE_VIEWED)
    assert str(filled.sams_answer.pk) in set(read.values_list("target_id", flat=True))
    threads = AuditEvent.objects.filter(actor=counselor, action=AuditAction.THREAD_VIEWED)
    assert set(threads.values_list("target_id", flat=True)) == {str(filled.joint_thread.pk), str(filled.sams_thread.pk)}


def test_the_front_desk_exports_a_clients_record(partner, practice_admin, as_user):
    assert as_user(practice_admin).get(f"/records/clients/{partner.pk}/record.json").status_code == 200
    assert _exports().get().actor == practice_admin


def test_a_counselor_outside_the_caseload_gets_404_and_nothing_is_audited(other_counselor, partner, as_user):
    assert as_user(other_counselor).get(f"/records/clients/{partner.pk}/record.json").status_code == 404
    assert not _exports().exists()


def test_the_other_partner_gets_404_for_sams_record(partner, other_partner, as_user):
    assert as_user(other_partner).get(f"/records/clients/{partner.pk}/record.json").status_code == 404


def test_a_staff_account_has_no_record_to_export(counselor, practice_admin, as_user):
    assert as_user(practice_admin).get(f"/records/clients/{counselor.pk}/record.json").status_code == 404


def test_an_unknown_client_is_404(practice_admin, as_user):
    assert as_user(practice_admin).get("/records/clients/999999/record.json").status_code == 404


def test_staff_have_no_own_record_page(counselor, as_user):
    assert as_user(counselor).get("/me/record.json").status_code == 404


def test_an_unknown_format_is_404(partner, as_user):
    assert as_user(partner).get("/me/record.xml").status_code == 404
    assert not _exports().exists()


def test_the_api_is_for_clients_only(counselor, partner, as_user):
    assert as_user(counselor).get("/api/v1/me/record/").status_code == 404
    response = as_user(partner).get("/api/v1/me/record/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert _exports().get().details["format"] == "api"


def test_the_profile_page_offers_the_client_their_record(partner, as_user):
    page = as_user(partner).get("/profile/").content.decode()
    assert 'href="/me/record.pdf"' in page and 'href="/me/record.json"' in page


def test_the_profile_page_of_staff_offers_no_record(counselor, as_user):
    assert "/me/record." not in as_user(counselor).get("/profile/").content.decode()


@pytest.mark.parametrize("who", ["counselor", "practice_admin"])
def test_the_couples_page_offers_staff_each_partners_export(who, couple, as_user, request):
    page = as_user(request.getfixturevalue(who)).get(f"/couples/{couple.pk}/").content.decode()
    for partner in couple.partners:
        assert f'href="/records/clients/{partner.pk}/record.pdf"' in page


def test_the_couples_page_offers_a_partner_no_export(couple, partner, as_user):
    response = as_user(partner).get(f"/couples/{couple.pk}/")
    assert "/records/clients/" not in response.content.decode()


def test_a_closed_accounts_record_exported_by_the_front_desk_still_holds_their_answers_and_messages(
    filled, partner, practice_admin, as_user
):
    partner.is_active = False  # the practice closed Sam's account on his request
    partner.save(update_fields=["is_active"])

    record = as_user(practice_admin).get(f"/records/clients/{partner.pk}/record.json").content.decode()

    assert "SAM-GRATEFUL" in record
    assert "SAM-PRIVATE-REPLY" in record
    assert "RILEY-PRIVATE" not in record
