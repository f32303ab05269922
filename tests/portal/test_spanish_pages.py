"""A Spanish-speaking partner sees no English: every page a client can reach,
rendered with the partner's language set to Spanish, is checked text node by
text node (and the attributes a screen reader reads) against the English
source strings of the catalogue. A match is a string the page did not
translate: marked but shown in English, or a text the catalogue has in
Spanish that the page printed in English anyway.

The pages and their objects come from the demo practice, walked as in the
axe walk (tests/page_walk.py): the partner's pages, and the public pages a
visitor whose browser asks for Spanish sees. What people wrote (the demo's
answers and messages) stays as written; it is not in the catalogue, so it
cannot match. Text inside an element marked with another language (lang="en",
the language-help notice's English line) is English on purpose and skipped.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tests.page_walk import EXCLUDED_NAMES, EXCLUDED_PREFIXES, client_for, demo_personas, path_for
from tests.routes import all_routes
from tests.spanish_text import english_on, english_sources


@pytest.mark.django_db
def test_no_page_a_spanish_speaking_client_reaches_shows_an_english_string(settings):
    # The demo practice is built in Spanish too, so that what it writes to
    # people as it goes (notices) is in their language, as it would be for a
    # partner who chose Spanish at the invitation.
    settings.PRACTICE_LANGUAGE = "es"
    exact, patterns = english_sources()
    assert len(exact) > 500, "the catalogue holds the portal's strings"
    routes, problems = all_routes()
    assert not problems, problems
    candidates = [r for r in routes if not r.path.startswith(tuple(EXCLUDED_PREFIXES)) and r.name not in EXCLUDED_NAMES]
    personas = {persona.label: persona for persona in demo_personas()}
    partner = personas["partner"].user
    assert partner is not None
    partner.language = "es"
    partner.save(update_fields=["language"])
    walks = [
        (personas["partner"], client_for(partner)),
        (personas["anonymous"], Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="es")),
    ]
    leaks: list[str] = []
    pages = 0
    for persona, client in walks:
        for route in candidates:
            path = path_for(route, persona)
            if path is None:
                continue
            response = client.get(path)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            pages += 1
            assert response.get("Content-Language") == "es", f"{path} answered in {response.get('Content-Language')}"
            for text in english_on(response.content.decode(), exact, patterns):
                leaks.append(f"{persona.label} {path} ({route.name}): {text!r}")
    assert pages > 30, f"only {pages} pages walked"
    assert not leaks, f"{len(leaks)} English strings on Spanish pages:\n" + "\n".join(sorted(set(leaks)))


def test_the_check_finds_an_english_string_left_on_a_page():
    exact, patterns = english_sources()
    page = '<html lang="es"><body><p>Mis ejercicios</p><nav><a href="/">My exercises</a></nav></body></html>'
    assert english_on(page, exact, patterns) == ["My exercises"]


def test_the_check_skips_what_is_marked_as_english_on_purpose():
    exact, patterns = english_sources()
    page = '<html lang="es"><body><p lang="en"><a href="/">My exercises</a></p></body></html>'
    assert english_on(page, exact, patterns) == []
