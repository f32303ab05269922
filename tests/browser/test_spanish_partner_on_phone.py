"""A partner who reads Spanish, on a phone (375 px): logs in through the real
form, finds the exercise under its Spanish title, gets the "I" statement hint
in Spanish, submits, reads their appointments, messages and documents in
Spanish, and switches the portal to English from the footer. Each page is
checked for English source strings (tests/spanish_text.py) and kept as a
screenshot (spanish-partner-*.png)."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exercises.builtin import install_builtin_templates
from exercises.models import ExerciseTemplate
from exercises.services import assignment_create
from exercises.translations import localized_text
from tests.factories import DEFAULT_PASSWORD
from tests.spanish_text import english_on, english_sources

pytestmark = pytest.mark.browser


def es(text: str) -> str:
    with translation.override("es"):
        spanish = translation.gettext(text)
    assert spanish != text, f"no Spanish for {text!r}"
    return spanish


def test_a_spanish_speaking_partner_does_an_exercise_and_reads_the_portal_in_spanish(
    open_page, live_server, counselor, couple, screenshots_dir
):
    install_builtin_templates()  # an earlier transactional test may have flushed the migration's rows
    sam = couple.partner_one
    sam.language = "es"  # as the counselor set it when inviting the couple
    sam.save(update_fields=["language"])
    template = ExerciseTemplate.objects.get(slug="i-statements", is_builtin=True)
    today = timezone.localdate()
    assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=today,
        due_on=today + timedelta(days=2),
        due_time=time(19, 0),
    )
    spanish = localized_text(template, "es")
    exact, patterns = english_sources()
    recording = open_page(375, 800)
    page = recording.page

    def check(name: str) -> None:
        assert page.locator("html").get_attribute("lang") == "es"
        assert english_on(page.content(), exact, patterns) == [], f"English on {page.url}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, f"{page.url} scrolls sideways"
        page.screenshot(path=str(screenshots_dir / f"spanish-partner-{name}-375.png"), full_page=True)

    # The login form is in the browser's language; once in, Sam's own.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", sam.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")
    assert page.url == f"{live_server.url}/me/"
    assert "Successfully signed in" not in page.locator(".messages").inner_text()  # allauth's, in Sam's language
    check("1-home")

    with page.expect_navigation():
        page.get_by_role("link", name=spanish.title).first.click()
    assert page.locator("h1").inner_text().strip() == spanish.title
    labels = [field["label"] for field in spanish.fields[:4]]  # Me siento… / cuando… / porque… / Lo que me gustaría es…
    assert labels[0] == "Me siento…"

    def answer(*texts: str) -> None:
        for label, text in zip(labels, texts, strict=True):
            page.get_by_role("textbox", name=re.compile(f"^{re.escape(label)}")).fill(text)

    # A blaming first draft, in Spanish, gets the hint in Spanish.
    answer("Tú nunca me escuchas", "te cuento mi día", "me importa", "diez minutos después de cenar")
    with page.expect_navigation():
        page.get_by_role("button", name=es("Submit"), exact=True).click()
    assert page.locator(".hint").count() >= 1
    assert page.get_by_role("button", name=es("Submit anyway"), exact=True).is_visible()
    check("2-hint")

    # Rephrased as an "I" statement, it goes in, stored as written.
    answer(
        "Me siento sola",
        "te cuento mi día y la televisión sigue encendida",
        "contarte mi día es mi manera de sentirme cerca",
        "diez minutos sin televisión después de cenar",
    )
    with page.expect_navigation():
        page.get_by_role("button", name=es("Submit"), exact=True).click()
    assert es("Your answer is submitted. Thank you.") in page.locator(".messages").inner_text()
    assert page.locator(".hint").count() == 0
    check("3-submitted")

    for name, url_name in (
        ("4-appointments", "appointment_list"),
        ("5-messages", "messaging:thread_list"),
        ("6-documents", "partner_documents"),
    ):
        page.goto(live_server.url + reverse(url_name))
        check(name)

    # The footer's switch: the same page in English, and Sam's account remembers it.
    with page.expect_navigation():
        page.get_by_role("button", name="English", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(screenshots_dir / "spanish-partner-7-switched-to-english-375.png"), full_page=True)
    sam.refresh_from_db()
    assert sam.language == "en"
    assert recording.foreign_requests(live_server.url) == []
