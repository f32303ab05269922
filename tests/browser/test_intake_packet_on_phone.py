"""The intake packet on a 375 px phone, end to end, in a real browser.

Dana logs in (password and TOTP code) and invites Casey and Jordan through the
invite page; the practice's default packet (the consent to treatment and the
two built-in questionnaires) becomes their packet. Casey accepts the
invitation from the link in the e-mail, finds "Before your first session" on
the home page, reads and signs the consent, answers the questionnaire and the
private safety check-in (saying they do not feel safe at home), and sees the
packet complete. Dana then sees both partners' status on /intake/ and on the
couple's intake page, and the safety flag beside Casey: no answer is shown.
Every page the partner sees fits the phone's width; screenshots are kept.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from accounts.models import Couple
from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG
from tests.factories import DEFAULT_PASSWORD, totp_code

pytestmark = pytest.mark.browser

PHONE = 375
LINK = re.compile(r"/invitations/accept/[^/\s]+/")
NEW_PASSWORD = "a long and unusual passphrase 42"
PRIVATE_WORDS = "Casey's private words for Dana only"


@pytest.fixture
def default_packet(practice_admin):
    """The built-ins (the live server's database is flushed between tests),
    the consent published, and the default packet: consent and the two questionnaires."""
    from exercises.builtin import install_builtin_templates
    from exercises.models import ExerciseTemplate
    from intake import services
    from intake.builtin import install_builtin_documents
    from intake.models import Document

    install_builtin_documents()
    install_builtin_templates()
    consent = Document.objects.get(slug="consent-to-treatment")
    services.document_version_publish(actor=practice_admin, version=consent.versions.get(status="draft"))
    slugs = (INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG)
    templates = [ExerciseTemplate.objects.get(slug=slug, owner=None) for slug in slugs]
    services.default_packet_set(
        actor=practice_admin, document_ids=[consent.pk], template_ids=[template.pk for template in templates]
    )
    return consent


def _fits(page, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{what} scrolls sideways on a phone: {width} px wide"


def _shot(page, screenshots_dir, name: str) -> None:
    page.screenshot(path=str(screenshots_dir / f"intake-{name}-{PHONE}.png"), full_page=True)


def _submit(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def _continue_from_home(page, live_server) -> None:
    page.goto(f"{live_server.url}/me/")
    card = page.locator(".intake-card")
    assert "Before your first session" in card.inner_text()
    with page.expect_navigation():
        card.get_by_role("link").click()
    assert page.url == f"{live_server.url}/me/intake/"


def _counselor_logs_in(page, live_server, counselor) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", counselor.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    _submit(page, "Log in")
    assert "/accounts/2fa/authenticate/" in page.url
    page.fill("input[name=code]", totp_code(counselor.totp_secret))
    _submit(page, "Sign in")
    assert "/accounts/" not in page.url, page.url


def test_a_partner_completes_the_packet_on_a_phone_and_the_counselor_sees_status_and_flag(
    open_page, live_server, counselor, default_packet, screenshots_dir
):
    # Dana logs in with her second factor and invites Casey and Jordan.
    staff = open_page(PHONE, 800).page
    _counselor_logs_in(staff, live_server, counselor)
    mail.outbox.clear()
    staff.goto(f"{live_server.url}/couples/invite/")
    staff.fill("#id_partner_one_name", "Casey Morgan")
    staff.fill("#id_partner_one_email", "casey@example.test")
    staff.fill("#id_partner_two_name", "Jordan Morgan")
    staff.fill("#id_partner_two_email", "jordan@example.test")
    _submit(staff, "Send invitations")
    couple = Couple.objects.get(partner_one__email="casey@example.test")
    assert couple.intake_packet.items.count() == 3

    # Casey opens the link in their e-mail and sets a password: home shows the card.
    (message,) = [m for m in mail.outbox if m.to == ["casey@example.test"]]
    phone = open_page(PHONE, 800).page
    link = LINK.search(str(message.body))
    assert link is not None, message.body
    phone.goto(live_server.url + link.group(0))
    phone.fill("#id_password1", NEW_PASSWORD)
    phone.fill("#id_password2", NEW_PASSWORD)
    _submit(phone, "Set password and continue")
    assert phone.url == f"{live_server.url}/me/"
    card = phone.locator(".intake-card")
    assert card.locator("h2").inner_text() == "Before your first session"
    assert "0 of 3 done" in card.inner_text()
    _shot(phone, screenshots_dir, "home-card")
    _fits(phone, "the home page with the card")

    # The packet: three things to do, each with a button big enough to tap.
    with phone.expect_navigation():
        card.get_by_role("link", name="Start").click()
    assert phone.locator("h1").inner_text() == "Before your first session"
    assert phone.locator("#progress-heading").inner_text() == "0 of 3 done"
    buttons = phone.locator(".intake-item .button")
    assert buttons.count() == 3
    for index in range(3):
        box = buttons.nth(index).bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= PHONE
    _shot(phone, screenshots_dir, "packet-start")
    _fits(phone, "the packet")

    # Read and sign the consent: typed name and "I agree".
    with phone.expect_navigation():
        phone.get_by_role("link", name="Read and sign").click()
    assert phone.locator("article.document-text").inner_text().strip()
    _shot(phone, screenshots_dir, "sign-consent")
    _fits(phone, "the consent")
    phone.fill("#id_typed_name", "Casey Morgan")
    phone.check("#id_agreed")
    _submit(phone, "Sign")
    assert "you signed" in phone.locator(".messages").inner_text()

    # The questionnaire about them.
    _continue_from_home(phone, live_server)
    assert phone.locator("#progress-heading").inner_text() == "1 of 3 done"
    with phone.expect_navigation():
        phone.locator(".intake-item", has_text="about you").get_by_role("link", name="Answer").click()
    phone.fill("textarea[name=answer-what_brings_you]", "We keep having the same argument about money.")
    phone.fill("textarea[name=answer-hopes]", "Talking without shouting.")
    phone.locator("input[name=answer-stress][value='4']").check()
    _shot(phone, screenshots_dir, "questionnaire")
    _fits(phone, "the questionnaire")
    _submit(phone, "Submit")
    assert phone.locator("#own-heading").inner_text() == "Your answer"

    # The private safety check-in, with answers that say Casey is not safe.
    _continue_from_home(phone, live_server)
    assert phone.locator("#progress-heading").inner_text() == "2 of 3 done"
    with phone.expect_navigation():
        phone.locator(".intake-item", has_text="safety").get_by_role("link", name="Answer").click()
    phone.locator("fieldset", has_text="Do you feel safe at home?").get_by_label("No", exact=True).check()
    phone.locator("input[name=answer-afraid][value=often]").check()
    phone.locator("input[name=answer-hurt][value=rather_not_say]").check()
    phone.locator("input[name=answer-speak_openly][value=afraid]").check()
    phone.fill("textarea[name=answer-for_counselor]", PRIVATE_WORDS)
    assert phone.locator("input[name=answer-feel_safe][value=no]").is_checked()
    _shot(phone, screenshots_dir, "safety-check-in")
    _fits(phone, "the safety check-in")
    _submit(phone, "Submit")

    # Complete: the packet says so and the home card is gone.
    phone.goto(f"{live_server.url}/me/intake/")
    assert phone.locator("#progress-heading").inner_text() == "All done. Thank you"
    progress = phone.locator("progress.intake-progress")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "3"
    assert phone.locator(".intake-item.is-done").count() == 3
    _shot(phone, screenshots_dir, "packet-complete")
    _fits(phone, "the completed packet")
    phone.goto(f"{live_server.url}/me/")
    assert phone.locator(".intake-card").count() == 0

    # Dana's intake list: Casey complete and flagged, Jordan not started.
    staff.goto(f"{live_server.url}/intake/")
    casey = staff.locator("tr", has=staff.locator("td[data-label=Partner]", has_text="Casey Morgan"))
    jordan = staff.locator("tr", has=staff.locator("td[data-label=Partner]", has_text="Jordan Morgan"))
    assert casey.locator(".badge.intake-complete").inner_text() == "Complete"
    assert casey.locator(".badge.safety-flag").inner_text() == "Safety flag"
    assert jordan.locator(".badge.intake-not_started").inner_text() == "Not started"
    assert jordan.locator(".safety-flag").count() == 0
    assert PRIVATE_WORDS not in staff.content()
    _shot(staff, screenshots_dir, "counselor-list")
    _fits(staff, "the counselor's intake list")

    # The couple's intake page: each partner's status, the flag on Casey's only.
    with staff.expect_navigation():
        staff.get_by_role("link", name=couple.display_name).click()
    assert staff.url == f"{live_server.url}/intake/couples/{couple.pk}/"
    casey_card = staff.locator("section.card", has=staff.locator("h2", has_text="Casey Morgan"))
    jordan_card = staff.locator("section.card", has=staff.locator("h2", has_text="Jordan Morgan"))
    assert casey_card.locator(".badge").first.inner_text() == "Complete"
    assert jordan_card.locator(".badge").first.inner_text() == "Not started"
    assert "needs your attention" in casey_card.locator(".safety-flag").inner_text()
    assert jordan_card.locator(".safety-flag").count() == 0
    assert staff.locator("#hold-heading").inner_text() == "First session on hold"  # Jordan has not signed
    assert PRIVATE_WORDS not in staff.content()
    _shot(staff, screenshots_dir, "counselor-couple")
    _fits(staff, "the couple's intake page")
