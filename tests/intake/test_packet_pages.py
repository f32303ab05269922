"""Who sees and changes what on the intake packet's pages: /intake/, a
couple's /intake/couples/<id>/ (adjusting it, lifting the hold), the
practice's /documents/default-packet/ and the partner's /me/intake/.

Staff see each partner's status, never what anyone answered; only the
couple's counselor sees that a safety check-in needs attention; a partner
sees their own part only; anyone outside the scope gets a 404, and a 403
only where the page is theirs to see but the action is not."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AuditAction, AuditEvent
from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG
from exercises.models import Occurrence
from intake.models import Document, IntakePacket, IntakePacketItem

# Sam's answers, worded so that they cannot appear on a page by chance.
SAM_ABOUT = "Marmalade zeppelin quarrels every Sunday"
SAM_PRIVATE = "Periwinkle saxophone: please call me at work"
RISKY = {"feel_safe": "no", "afraid": "often", "hurt": "no", "speak_openly": "afraid", "for_counselor": SAM_PRIVATE}
FLAG_MARKERS = ("Safety flag", "safety-flag", "Safety check-in: needs your attention")


@pytest.fixture
def answered(packet, partner, sign, consent, answer):
    """Sam has signed the consent and answered both questionnaires, the
    check-in saying they are not safe (the flag is raised); Riley has done nothing."""
    sign(partner, consent)
    answer(partner, packet, INTAKE_QUESTIONNAIRE_SLUG, {"what_brings_you": SAM_ABOUT, "hopes": "Less.", "stress": 4})
    answer(partner, packet, SAFETY_SCREEN_SLUG, RISKY)
    return packet


def _detail(couple) -> str:
    return f"/intake/couples/{couple.pk}/"


def _item(packet, slug) -> IntakePacketItem:
    return packet.items.get(template__slug=slug)


def _occurrence_url(packet, slug) -> str:
    return f"/exercises/occurrences/{Occurrence.objects.get(assignment=_item(packet, slug).assignment).pk}/"


def _html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- Out of scope: 404 ---------------------------------------------------------------------


def test_another_counselor_gets_404_for_the_couples_packet(packet, couple, other_counselor, as_user):
    assert as_user(other_counselor).get(_detail(couple)).status_code == 404


def test_another_counselor_does_not_see_the_couple_on_the_intake_list(packet, couple, other_counselor, as_user):
    response = as_user(other_counselor).get("/intake/")
    assert response.status_code == 200
    assert response.context["rows"] == []
    assert couple.partner_one.full_name not in response.content.decode()


@pytest.mark.parametrize("url", ["/intake/", "detail", "/documents/default-packet/"])
def test_a_partner_gets_404_for_the_staff_pages(url, packet, couple, partner, as_user):
    assert as_user(partner).get(_detail(couple) if url == "detail" else url).status_code == 404


def test_a_counselor_gets_404_for_the_default_packet(default_packet, counselor, as_user):
    assert as_user(counselor).get("/documents/default-packet/").status_code == 404


@pytest.mark.parametrize("who", ["counselor", "practice_admin"])
def test_staff_get_404_for_the_partners_own_page(who, packet, request, as_user):
    assert as_user(request.getfixturevalue(who)).get("/me/intake/").status_code == 404


def test_a_couple_without_a_packet_is_a_404_like_one_that_does_not_exist(other_couple, practice_admin, as_user):
    client = as_user(practice_admin)
    assert client.get(_detail(other_couple)).status_code == 404
    assert client.get("/intake/couples/999999/").status_code == 404


# --- Changes by the wrong person -------------------------------------------------------------


@pytest.mark.parametrize("who", ["partner", "other_partner", "other_counselor"])
def test_removing_an_item_is_a_404_outside_the_staff_scope(who, packet, couple, request, as_user):
    item = packet.items.first()
    response = as_user(request.getfixturevalue(who)).post(f"{_detail(couple)}items/{item.pk}/remove/")
    assert response.status_code == 404
    assert IntakePacketItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("who", ["partner", "other_partner", "other_counselor"])
def test_adding_an_item_is_a_404_outside_the_staff_scope(who, packet, couple, request, as_user):
    privacy = Document.objects.get(slug="privacy-notice")
    response = as_user(request.getfixturevalue(who)).post(f"{_detail(couple)}items/", {"document": privacy.pk})
    assert response.status_code == 404
    assert not packet.items.filter(document=privacy).exists()


@pytest.mark.parametrize("who", ["partner", "other_partner", "other_counselor"])
def test_lifting_the_hold_is_a_404_outside_the_staff_scope(who, packet, couple, request, as_user):
    response = as_user(request.getfixturevalue(who)).post(f"{_detail(couple)}hold/", {"reason": "Urgent."})
    assert response.status_code == 404
    assert not IntakePacket.objects.get(pk=packet.pk).hold_overridden


def test_an_anonymous_post_is_sent_to_log_in_and_changes_nothing(packet, couple):
    item = packet.items.first()
    privacy = Document.objects.get(slug="privacy-notice")
    posts = [
        (f"{_detail(couple)}items/{item.pk}/remove/", {}),
        (f"{_detail(couple)}items/", {"document": privacy.pk}),
        (f"{_detail(couple)}hold/", {"reason": "Urgent."}),
    ]
    for url, data in posts:
        response = Client().post(url, data)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url
    assert packet.items.count() == 3
    assert not IntakePacket.objects.get(pk=packet.pk).hold_overridden


def test_removing_an_item_of_another_couples_packet_is_a_404(packet, couple, other_couple, practice_admin, as_user):
    from intake import services

    others = services.packet_create(actor=practice_admin, couple=other_couple)
    item = others.items.first()
    response = as_user(practice_admin).post(f"{_detail(couple)}items/{item.pk}/remove/")
    assert response.status_code == 404
    assert IntakePacketItem.objects.filter(pk=item.pk).exists()


def test_the_couples_counselor_gets_403_for_lifting_the_hold(packet, couple, counselor, as_user):
    response = as_user(counselor).post(f"{_detail(couple)}hold/", {"reason": "They signed on paper."})
    assert response.status_code == 403
    packet.refresh_from_db()
    assert not packet.hold_overridden
    assert not AuditEvent.objects.filter(action=AuditAction.INTAKE_HOLD_OVERRIDDEN).exists()


def test_the_counselor_is_not_offered_the_hold_form(packet, couple, counselor, as_user):
    html = _html(as_user(counselor), _detail(couple))
    assert "First session on hold" in html
    assert f'action="{_detail(couple)}hold/"' not in html


def test_a_post_without_the_csrf_token_changes_nothing(packet, couple, practice_admin):
    client = Client(enforce_csrf_checks=True)
    client.force_login(practice_admin, backend="django.contrib.auth.backends.ModelBackend")
    item = packet.items.first()
    assert client.post(f"{_detail(couple)}hold/", {"reason": "Urgent."}).status_code == 403
    assert client.post(f"{_detail(couple)}items/{item.pk}/remove/").status_code == 403
    assert not IntakePacket.objects.get(pk=packet.pk).hold_overridden
    assert IntakePacketItem.objects.filter(pk=item.pk).exists()


# --- The admin lifts the hold ----------------------------------------------------------------


def test_the_admin_lifts_the_hold_with_a_reason_kept_and_audited(packet, couple, practice_admin, as_user):
    client = as_user(practice_admin)
    response = client.post(f"{_detail(couple)}hold/", {"reason": "  Signed on paper at the front desk.  "})
    assert response.status_code == 302 and response.url == _detail(couple)
    packet.refresh_from_db()
    assert packet.hold_override_reason == "Signed on paper at the front desk."
    assert packet.hold_overridden_by == practice_admin and packet.hold_overridden_at is not None
    event = AuditEvent.objects.get(action=AuditAction.INTAKE_HOLD_OVERRIDDEN)
    assert event.actor == practice_admin
    assert (event.target_type, event.target_id) == ("intake.intakepacket", str(packet.pk))
    html = _html(client, _detail(couple))
    assert "Hold lifted" in html and "Signed on paper at the front desk." in html


def test_lifting_the_hold_without_a_reason_names_the_field(packet, couple, practice_admin, as_user):
    response = as_user(practice_admin).post(f"{_detail(couple)}hold/", {"reason": "   "})
    assert response.status_code == 400
    assert response.context["override_form"].errors["reason"]
    packet.refresh_from_db()
    assert not packet.hold_overridden
    assert not AuditEvent.objects.filter(action=AuditAction.INTAKE_HOLD_OVERRIDDEN).exists()


# --- What each one sees --------------------------------------------------------------------


def test_the_admin_sees_both_partners_status(answered, couple, practice_admin, as_user):
    progress = as_user(practice_admin).get(_detail(couple)).context["progress"]
    statuses = {p.partner.pk: p.status_label for p in progress.partners}
    assert statuses == {couple.partner_one.pk: "Complete", couple.partner_two.pk: "Not started"}


@pytest.mark.parametrize("url", ["/intake/", "detail", "/documents/default-packet/"])
def test_the_admin_never_sees_the_safety_flag_nor_an_answer(url, answered, couple, practice_admin, as_user):
    html = _html(as_user(practice_admin), _detail(couple) if url == "detail" else url)
    for marker in FLAG_MARKERS:
        assert marker not in html
    assert SAM_ABOUT not in html and SAM_PRIVATE not in html


@pytest.mark.parametrize("url", ["/intake/", "detail"])
def test_the_counselor_sees_the_flag_but_no_answer(url, answered, couple, counselor, as_user):
    html = _html(as_user(counselor), _detail(couple) if url == "detail" else url)
    assert "Safety flag" in html or "Safety check-in: needs your attention" in html
    assert SAM_ABOUT not in html and SAM_PRIVATE not in html


def test_the_counselor_sees_the_flag_beside_the_flagged_partner_only(answered, couple, counselor, as_user):
    response = as_user(counselor).get("/intake/")
    assert response.context["flagged"] == {couple.partner_one.pk}


def test_the_other_partners_page_shows_only_their_own_items(answered, couple, other_partner, as_user):
    response = as_user(other_partner).get("/me/intake/")
    assert response.status_code == 200
    (mine,) = response.context["progress"].partners
    assert mine.partner == other_partner
    assert (mine.done_count, mine.asked_count) == (0, 3)  # Sam's signature and answers are not Riley's
    html = response.content.decode()
    assert "0 of 3 done" in html
    assert couple.partner_one.full_name not in html


def test_the_other_partners_pages_never_show_sams_answers_or_flag(answered, other_partner, as_user):
    client = as_user(other_partner)
    urls = [
        "/me/",
        "/me/intake/",
        "/me/documents/",
        _occurrence_url(answered, INTAKE_QUESTIONNAIRE_SLUG),
        _occurrence_url(answered, SAFETY_SCREEN_SLUG),
    ]
    for url in urls:
        html = _html(client, url)
        assert SAM_ABOUT not in html and SAM_PRIVATE not in html, url
        for marker in FLAG_MARKERS:
            assert marker not in html, url


def test_the_partners_own_page_links_to_what_is_left(packet, partner, consent, as_user):
    html = _html(as_user(partner), "/me/intake/")
    assert f"/me/documents/{consent.pk}/sign/" in html
    assert _occurrence_url(packet, SAFETY_SCREEN_SLUG) in html


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("counselor", "/intake/"),
        ("counselor", "detail"),
        ("practice_admin", "/intake/"),
        ("practice_admin", "detail"),
        ("practice_admin", "/documents/default-packet/"),
        ("partner", "/me/intake/"),
        ("partner", "/me/"),
    ],
)
def test_the_pages_are_never_cached(who, url, packet, couple, request, as_user):
    response = as_user(request.getfixturevalue(who)).get(_detail(couple) if url == "detail" else url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_a_partner_is_asked_at_their_next_visit_to_sign_an_updated_document_again(
    consent, partner, publish, sign, as_user
):
    sign(partner, consent)
    publish("consent-to-treatment", text="The updated consent.", must_resign=True)

    page = as_user(partner).get("/me/").content.decode()

    assert "Updated: please sign again" in page
    assert "Read and sign: Consent to counseling" in page


def test_a_partner_who_signed_the_current_version_is_not_asked_again(consent, partner, sign, as_user):
    sign(partner, consent)

    assert "please sign again" not in as_user(partner).get("/me/").content.decode()
