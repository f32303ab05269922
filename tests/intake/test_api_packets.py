"""/api/v1/intake-packets/: progress per partner, scoped by role."""

from __future__ import annotations

from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_the_counselor_reads_both_partners_status(packet, counselor, partner, consent, sign, as_user):
    sign(partner, consent)

    body = as_user(counselor).get(f"/api/v1/intake-packets/{packet.pk}/").json()

    assert {p["name"]: p["status"] for p in body["partners"]} == {"Sam Lee": "in_progress", "Riley Lee": "not_started"}
    assert body["documents_unsigned"] is True


def test_a_partner_reads_only_their_own_part(packet, partner, as_user):
    body = as_user(partner).get("/api/v1/intake-packets/").json()

    assert [p["name"] for p in body["results"][0]["partners"]] == ["Sam Lee"]


def test_the_packet_never_carries_an_answer(packet, counselor, partner, answer, as_user):
    answer(
        partner, packet, INTAKE_QUESTIONNAIRE_SLUG, {"what_brings_you": "A secret sentence.", "hopes": "x", "stress": 2}
    )

    response = as_user(counselor).get(f"/api/v1/intake-packets/{packet.pk}/")

    assert b"A secret sentence." not in response.content


def test_another_counselors_packet_is_404(packet, other_counselor, as_user):
    assert as_user(other_counselor).get(f"/api/v1/intake-packets/{packet.pk}/").status_code == 404


def test_another_couples_partner_gets_404(packet, other_couple, as_user):
    assert as_user(other_couple.partner_one).get(f"/api/v1/intake-packets/{packet.pk}/").status_code == 404


def test_the_counselor_adds_a_document(packet, counselor, publish, as_user):
    telehealth = publish("telehealth-consent")

    response = _post(
        as_user(counselor), f"/api/v1/intake-packets/{packet.pk}/items/", {"document": telehealth.document_id}
    )

    assert response.status_code == 201, response.content
    titles = [item["title"] for item in response.json()["partners"][0]["items"]]
    assert "Consent to sessions by video" in titles


def test_a_missing_document_in_the_body_is_404(packet, counselor, as_user):
    response = _post(as_user(counselor), f"/api/v1/intake-packets/{packet.pk}/items/", {"document": 987654})

    assert response.status_code == 404


def test_another_counselors_own_template_in_the_body_is_404_like_a_missing_one(
    packet, counselor, other_counselor, as_user
):
    from exercises.models import ExerciseTemplate

    theirs = ExerciseTemplate.objects.create(
        title="Owen's", slug="owens", summary="s", instructions="i", owner=other_counselor, fields=[]
    )
    client = as_user(counselor)

    foreign = _post(client, f"/api/v1/intake-packets/{packet.pk}/items/", {"template": theirs.pk})
    missing = _post(client, f"/api/v1/intake-packets/{packet.pk}/items/", {"template": 987654})

    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert foreign.status_code == 404


def test_both_a_document_and_a_template_is_a_400(packet, counselor, consent, as_user):
    response = _post(
        as_user(counselor),
        f"/api/v1/intake-packets/{packet.pk}/items/",
        {"document": consent.document_id, "template": 1},
    )

    assert response.status_code == 400


def test_a_partner_adding_an_item_is_403(packet, partner, publish, as_user):
    telehealth = publish("telehealth-consent")

    response = _post(
        as_user(partner), f"/api/v1/intake-packets/{packet.pk}/items/", {"document": telehealth.document_id}
    )

    assert response.status_code == 403


def test_the_counselor_removes_an_item(packet, counselor, as_user):
    item = packet.items.get(template__slug=INTAKE_QUESTIONNAIRE_SLUG)

    response = as_user(counselor).delete(f"/api/v1/intake-packets/{packet.pk}/items/{item.pk}/")

    assert response.status_code == 204
    assert not packet.items.filter(pk=item.pk).exists()


def test_an_item_of_another_packet_is_404(packet, counselor, other_couple, other_counselor, default_packet, as_user):
    from intake import services

    theirs = services.packet_create(actor=other_counselor, couple=other_couple)
    item = theirs.items.first()

    response = as_user(counselor).delete(f"/api/v1/intake-packets/{packet.pk}/items/{item.pk}/")

    assert response.status_code == 404


def test_the_admin_lifts_the_hold(packet, practice_admin, as_user):
    response = _post(
        as_user(practice_admin), f"/api/v1/intake-packets/{packet.pk}/hold-override/", {"reason": "Paper forms."}
    )

    assert response.status_code == 200
    assert response.json()["hold_overridden_at"] is not None


def test_a_counselor_lifting_the_hold_is_403(packet, counselor, as_user):
    response = _post(as_user(counselor), f"/api/v1/intake-packets/{packet.pk}/hold-override/", {"reason": "Please."})

    assert response.status_code == 403


def test_a_blank_reason_is_a_400_naming_the_field(packet, practice_admin, as_user):
    response = _post(as_user(practice_admin), f"/api/v1/intake-packets/{packet.pk}/hold-override/", {"reason": " "})

    assert response.status_code == 400
    assert "reason" in response.json()


def test_the_packet_responses_are_not_stored(packet, counselor, as_user):
    response = as_user(counselor).get(f"/api/v1/intake-packets/{packet.pk}/")

    assert "no-store" in response["Cache-Control"]
