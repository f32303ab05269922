"""The intake packet: made from the practice's default when a couple is
invited, each partner's progress, adjusting it for one couple."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.models import AuditEvent
from accounts.services import PartnerDetails, couple_invite
from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG
from exercises.models import AssignmentStatus, Visibility
from intake import selectors, services
from intake.models import IntakePacket
from intake.selectors import PartnerStatus


def _status(viewer, packet):
    return {p.partner.full_name: p for p in selectors.progress_of(viewer, packet).partners}


def test_an_invited_couple_gets_the_default_packet(default_packet, counselor):
    couple = couple_invite(
        invited_by=counselor,
        partner_one=PartnerDetails(full_name="Ana Cruz", email="ana@example.test"),
        partner_two=PartnerDetails(full_name="Ben Cruz", email="ben@example.test"),
    )

    packet = IntakePacket.objects.get(couple=couple)
    assert [item.title for item in packet.items.order_by("position")] == [
        "Consent to counseling",
        "Before your first session: about you",
        "Private check-in: safety at home",
    ]
    assert AuditEvent.objects.filter(action="intake_packet.created", target_id=str(packet.pk)).exists()


def test_the_packets_questionnaires_are_for_the_counselor_only(packet):
    for item in packet.items.filter(template__isnull=False):
        assert item.assignment.visibility == Visibility.COUNSELOR_ONLY
        assert item.assignment.status == AssignmentStatus.ACTIVE


def test_a_partner_who_has_done_nothing_has_not_started(packet, counselor):
    assert _status(counselor, packet)["Sam Lee"].status == PartnerStatus.NOT_STARTED


def test_signing_one_document_puts_a_partner_in_progress(packet, counselor, partner, consent, sign):
    sign(partner, consent)

    sam = _status(counselor, packet)["Sam Lee"]
    assert sam.status == PartnerStatus.IN_PROGRESS
    assert sam.missing == ["Before your first session: about you", "Private check-in: safety at home"]


def test_a_partner_who_signed_and_answered_everything_is_complete(packet, counselor, partner, consent, sign, answer):
    sign(partner, consent)
    answer(partner, packet, INTAKE_QUESTIONNAIRE_SLUG)
    answer(partner, packet, SAFETY_SCREEN_SLUG)

    status = _status(counselor, packet)
    assert status["Sam Lee"].status == PartnerStatus.COMPLETE
    assert status["Riley Lee"].status == PartnerStatus.NOT_STARTED


def test_a_draft_answer_counts_as_started_not_done(packet, counselor, partner):
    from exercises.models import Occurrence
    from exercises.services import response_save_draft

    item = packet.items.get(template__slug=INTAKE_QUESTIONNAIRE_SLUG)
    response_save_draft(
        occurrence=Occurrence.objects.get(assignment=item.assignment), user=partner, answers={"hopes": "Less shouting."}
    )

    sam = _status(counselor, packet)["Sam Lee"]
    assert sam.status == PartnerStatus.IN_PROGRESS
    assert "Before your first session: about you" in sam.missing


def test_a_revoked_signature_makes_the_document_missing_again(packet, counselor, partner, consent, sign):
    signature = sign(partner, consent)
    services.signature_revoke(actor=partner, signature=signature, reason="I want to ask about it first.")

    assert "Consent to counseling" in _status(counselor, packet)["Sam Lee"].missing


def test_a_partner_sees_only_their_own_progress(packet, partner):
    assert [p.partner for p in selectors.progress_of(partner, packet).partners] == [partner]


def test_the_practice_admin_sees_both_partners_status(packet, practice_admin):
    assert set(_status(practice_admin, packet)) == {"Sam Lee", "Riley Lee"}


def test_a_counselor_of_another_caseload_cannot_find_the_packet(packet, other_counselor):
    with pytest.raises(Http404):
        selectors.packet_of_couple(other_counselor, packet.couple_id)


def test_a_partner_of_another_couple_cannot_find_the_packet(packet, other_couple):
    with pytest.raises(Http404):
        selectors.packet_for(other_couple.partner_one, packet.pk)


def test_the_counselor_adds_a_document_for_this_couple_only(packet, counselor, publish):
    telehealth = publish("telehealth-consent")

    item = services.packet_item_add(actor=counselor, packet=packet, document_id=telehealth.document_id)

    assert item.title == "Consent to sessions by video"
    assert "Consent to sessions by video" in _status(counselor, packet)["Sam Lee"].missing
    assert AuditEvent.objects.filter(action="intake_packet.changed", target_id=str(packet.pk)).exists()


def test_adding_a_questionnaire_gives_it_to_the_couple(packet, counselor):
    from exercises.models import ExerciseTemplate

    template = ExerciseTemplate.objects.get(slug="active-listening", owner=None)

    item = services.packet_item_add(actor=counselor, packet=packet, template_id=template.pk)

    assert item.assignment.couple_id == packet.couple_id
    assert item.assignment.template == template


def test_the_same_document_is_not_added_twice(packet, counselor, consent):
    with pytest.raises(ValidationError) as error:
        services.packet_item_add(actor=counselor, packet=packet, document_id=consent.document_id)

    assert "document" in error.value.message_dict


def test_removing_a_questionnaire_ends_its_exercise(packet, counselor):
    item = packet.items.get(template__slug=INTAKE_QUESTIONNAIRE_SLUG)

    services.packet_item_remove(actor=counselor, item=item)

    item.assignment.refresh_from_db()
    assert item.assignment.status == AssignmentStatus.ENDED
    assert not packet.items.filter(pk=item.pk).exists()


def test_a_partner_cannot_adjust_their_packet(packet, partner, publish):
    telehealth = publish("telehealth-consent")

    with pytest.raises(PermissionDenied):
        services.packet_item_add(actor=partner, packet=packet, document_id=telehealth.document_id)


def test_a_counselor_of_another_caseload_cannot_adjust_the_packet(packet, other_counselor, publish):
    telehealth = publish("telehealth-consent")

    with pytest.raises(Http404):
        services.packet_item_add(actor=other_counselor, packet=packet, document_id=telehealth.document_id)


def test_only_a_practice_admin_sets_the_default_packet(counselor, consent):
    with pytest.raises(PermissionDenied):
        services.default_packet_set(actor=counselor, document_ids=[consent.document_id], template_ids=[])


def test_the_default_packet_takes_built_in_questionnaires_only(practice_admin, counselor):
    from exercises.models import ExerciseTemplate

    own = ExerciseTemplate.objects.create(
        title="Mine", slug="mine", summary="s", instructions="i", owner=counselor, fields=[]
    )

    with pytest.raises(ValidationError):
        services.default_packet_set(actor=practice_admin, document_ids=[], template_ids=[own.pk])


def test_a_document_without_a_published_version_is_not_asked_for(default_packet, couple, counselor):
    from intake.models import Document

    draft_only = Document.objects.get(slug="telehealth-consent")
    packet = services.packet_create(actor=counselor, couple=couple)
    services.packet_item_add(actor=counselor, packet=packet, document_id=draft_only.pk)

    assert "Consent to sessions by video" not in _status(counselor, packet)["Sam Lee"].missing
