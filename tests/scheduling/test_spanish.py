"""Scheduling in Spanish: a person's pages, messages and calendar feed in their
language (accounts.languages), dates in the Spanish order, and the public pages
in the visitor's browser language with the language-assistance notice in both.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from accounts.models import User
from scheduling import services


def _speaks_spanish(user: User) -> User:
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def _feed(user: User, *, browser_language: str = "") -> list:
    """The feed's events as a calendar app fetches them (no session; maybe an Accept-Language)."""
    token = services.calendar_feed_enable(user=user).token
    headers = {"accept-language": browser_language} if browser_language else {}
    body = Client().get(f"/calendar/feed/{token}.ics", headers=headers).content
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_a_spanish_speaking_clients_appointments_page_shows_spanish_status_labels(
    as_user, partner, practice_admin, book, tuesday
):
    services.appointment_cancel(actor=practice_admin, appointment=book(tuesday, "10:00"), reason="Viaje")
    page = as_user(_speaks_spanish(partner)).get("/appointments/").content.decode()
    assert "Nuestras citas" in page
    assert ">Cancelada</span>" in page
    assert "Sesión de pareja: Sam Lee &amp; Riley Lee" in page


def test_an_english_speaking_client_keeps_the_english_labels(as_user, partner, practice_admin, book, tuesday):
    services.appointment_cancel(actor=practice_admin, appointment=book(tuesday, "10:00"), reason="Travel")
    page = as_user(partner).get("/appointments/").content.decode()
    assert "Our appointments" in page and ">Cancelled</span>" in page


def test_an_appointments_date_reads_in_the_spanish_order(as_user, partner, book, tuesday):
    appointment = book(tuesday, "14:00")
    page = as_user(_speaks_spanish(partner)).get(f"/appointments/{appointment.pk}/").content.decode()
    with translation.override("es"), timezone.override(partner.time_zone):
        when = date_format(timezone.localtime(appointment.start), r"l j \d\e F \d\e Y, H:i")
    assert when in page  # "martes 8 de diciembre de 2026, 14:00", not "Tuesday, December 8, 2026, 2:00 PM"
    assert "Sesión de pareja con Dana Reyes" in page


def test_a_service_refusal_reaches_a_spanish_speaking_admin_in_spanish(as_user, practice_admin):
    response = as_user(_speaks_spanish(practice_admin)).get("/appointments/book/", {"step": "who"})
    assert "Elija para quién es la cita." in response.content.decode()


def test_the_feed_of_a_spanish_speaking_client_has_spanish_summaries(partner, book, tuesday):
    book(tuesday, "10:00")
    [event] = _feed(_speaks_spanish(partner))
    assert str(event["summary"]) == "Sesión de pareja con Dana Reyes"
    assert str(event["description"]).startswith("Sesión de pareja con Dana Reyes en Edmonds.")


def test_a_feed_is_in_its_owners_language_whatever_the_calendar_app_asks_for(partner, dana, book, tuesday):
    book(tuesday, "10:00")
    [event] = _feed(partner, browser_language="es")
    assert str(event["summary"]) == "Couple session with Dana Reyes"
    [staff_event] = _feed(_speaks_spanish(dana), browser_language="en")
    assert str(staff_event["summary"]) == "Sesión de pareja: Sam Lee & Riley Lee"


def test_a_visitor_whose_browser_asks_for_spanish_gets_the_spanish_home_page(db):
    page = Client().get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert '<html lang="es">' in page
    assert "Acérquense, una conversación a la vez" in page


@pytest.mark.parametrize("path", ["/", "/offices/", "/request-an-appointment/"])
def test_the_public_pages_offer_language_help_in_english_and_in_spanish(path, edmonds):
    page = Client().get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    notice = page[page.index('<p class="language-notice') :].split("</p>", 1)[0]
    assert 'href="/language-help/"' in notice
    assert "Free language help is available" in notice
    assert '<span lang="es"><a href="/language-help/">Ofrecemos ayuda gratuita con el idioma' in notice


@pytest.mark.parametrize("path", ["/", "/offices/", "/request-an-appointment/"])
def test_a_spanish_public_page_gives_the_notice_in_english_too(path, edmonds):
    page = Client().get(path, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    notice = page[page.index('<p class="language-notice') :].split("</p>", 1)[0]
    assert notice.count('href="/language-help/"') == 2
    assert "Ofrecemos ayuda gratuita con el idioma" in notice
    assert '<span lang="en"><a href="/language-help/">Free language help is available' in notice


def test_an_offices_hours_read_on_a_24_hour_clock_in_spanish(edmonds):
    page = Client().get("/offices/edmonds/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "08:00–20:00" in page
    assert 'Domingo</th><td><span class="muted">Cerrado' in page


def test_the_hours_pickers_script_gets_its_words_from_the_page(as_user, dana, edmonds):
    page = as_user(_speaks_spanish(dana)).get(f"/schedules/{dana.pk}/").content.decode()
    assert 'data-interval-label="{day}, intervalo {number}:"' in page
    assert "Lunes, intervalo 1:" in page


def test_the_seeded_kinds_of_counseling_read_in_spanish_in_the_directory(dana):
    page = Client().get("/counselors/", headers={"accept-language": "es"}).content.decode()
    assert '<span class="badge">Consejería de pareja</span>' in page  # Dana's card
    assert ">Consejería prematrimonial</option>" in page  # the filter
