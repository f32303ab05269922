"""Which language a person reads the portal in (accounts.languages), and the
footer's switch that changes it."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from accounts.languages import language_for, override_for
from accounts.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db


def test_a_persons_own_choice_comes_first(partner, settings):
    settings.PRACTICE_LANGUAGE = "en"
    partner.language = "es"
    assert language_for(partner) == "es"


def test_without_a_choice_the_practices_language_applies(partner, settings):
    settings.PRACTICE_LANGUAGE = "es"
    assert language_for(partner) == "es"


def test_without_either_the_browsers_language_applies(partner, settings):
    settings.PRACTICE_LANGUAGE = ""
    request = RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9,en;q=0.5")
    assert language_for(partner, request=request) == "es"


def test_with_nothing_to_go_on_it_is_english(partner, settings):
    settings.PRACTICE_LANGUAGE = ""
    assert language_for(partner) == "en"


def test_override_for_writes_in_the_recipients_language(partner):
    partner.language = "es"
    with override_for(partner):
        assert translation.get_language() == "es"


def test_a_logged_in_persons_pages_are_in_their_language_whatever_the_browser_asks(partner, as_user):
    partner.language = "es"
    partner.save(update_fields=["language"])
    response = as_user(partner).get("/me/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()


def test_a_visitors_pages_follow_their_browser():
    response = Client().get("/offices/", HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"
    assert '<html lang="es">' in response.content.decode()


def test_the_switch_keeps_a_visitors_choice_in_a_cookie():
    client = Client()
    response = client.post("/language/", {"language": "es", "next": "/offices/"})
    assert response.status_code == 302 and response["Location"] == "/offices/"
    assert client.get("/offices/")["Content-Language"] == "es"


def test_the_switch_keeps_a_logged_in_persons_choice_on_their_account(partner, as_user):
    as_user(partner).post("/language/", {"language": "es", "next": "/me/"})
    partner.refresh_from_db()
    assert partner.language == "es"
    assert AuditEvent.objects.filter(actor=partner, action=AuditAction.USER_PROFILE_UPDATED).exists()


def test_the_switch_refuses_a_language_the_portal_does_not_have():
    response = Client().post("/language/", {"language": "fr", "next": "/"})
    assert response.status_code == 400


def test_the_switch_never_sends_a_person_to_another_site():
    response = Client().post("/language/", {"language": "es", "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"


def test_every_footer_links_the_accessibility_statement_and_language_help():
    body = Client().get("/").content.decode()
    assert 'href="/accessibility/"' in body and 'href="/language-help/"' in body


def test_the_accessibility_statement_says_what_it_conforms_to_and_how_to_report_a_barrier():
    body = Client().get("/accessibility/").content.decode()
    assert "WCAG" in body and "2.2" in body and "Report a barrier" in body


def test_the_language_help_page_tells_a_visitor_in_spanish_too():
    body = Client().get("/language-help/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'lang="es"' in body and "sin costo" in body


def test_the_message_after_logging_in_is_in_the_persons_language_not_the_browsers(partner, password):
    partner.language = "es"
    partner.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"login": partner.email, "password": password}, follow=True)
    body = response.content.decode()
    with translation.override("es"):
        signed_in = translation.gettext("Successfully signed in as %(name)s.") % {"name": partner.full_name}
    assert signed_in != f"Successfully signed in as {partner.full_name}."
    assert signed_in in body
