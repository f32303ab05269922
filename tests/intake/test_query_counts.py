"""The documents and signatures lists, and the intake packet's pages, cost
the same number of queries for a few rows and for many more, for every role
that sees them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG
from exercises.services import template_create
from intake import services
from tests.factories import ClientFactory, CoupleFactory

# Measured; pinned for the small and the large data set. Raise only with a reason.
# Every request loads session and user (staff: the 2FA check too).
QUERIES = {
    # the page count, the signatures with version, document, signer, couple, revocation joined; the
    # audit chain's head (accounts.audit_chain) and the audit insert
    ("practice_admin", "/api/v1/signatures/"): 7,
    ("counselor", "/api/v1/signatures/"): 7,
    # the same without the audit rows (one's own) and without the 2FA check
    ("partner", "/api/v1/signatures/"): 4,
    # the page count, the documents, their versions (prefetched)
    ("practice_admin", "/api/v1/documents/"): 6,
    ("partner", "/api/v1/documents/"): 5,
    # the pages: the documents and their versions; the bell's unread count
    ("practice_admin", "/documents/"): 6,
    # what is needed (published versions, own signatures), what was signed; the bell's count;
    # whether the partner is in safety mode (base.html, one query for a client)
    ("partner", "/me/documents/"): 7,
}
SMALL, MORE = 2, 8


@pytest.fixture
def grow(practice_admin, couple, other_couple, counselor):
    """grow(n): n more published documents, each signed by both of Dana's partners and one of Owen's."""
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            version = services.document_create(
                actor=practice_admin, kind="other", title=f"Agreement {made[0]}", text=f"Text {made[0]}."
            )
            version = services.document_version_publish(actor=practice_admin, version=version)
            for person in (couple.partner_one, couple.partner_two, other_couple.partner_one):
                services.signature_create(
                    signer=person,
                    version=version,
                    typed_name=person.full_name,
                    agreed=True,
                    ip_address="203.0.113.9",
                    user_agent="pytest",
                )

    return add


def _fetch(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, captured


@pytest.mark.parametrize(("who", "url"), list(QUERIES))
def test_query_count_is_the_same_for_a_few_rows_and_many(who, url, request, grow, as_user):
    user = request.getfixturevalue(who)
    client = as_user(user)
    grow(SMALL)
    client.get(url)  # warm per-process caches
    few, few_queries = _fetch(client, url)
    grow(MORE)
    many, many_queries = _fetch(client, url)
    if url.startswith("/api/"):
        assert len(many.json()["results"]) > len(few.json()["results"])
    else:
        assert len(many.content) > len(few.content)
    sql = "\n".join(q["sql"][:160] for q in many_queries.captured_queries)
    assert len(few_queries) == len(many_queries) == QUERIES[(who, url)], sql


# --- The intake packet --------------------------------------------------------------------
#
# The list grows by couples (each packet signed and answered in part, one
# partner flagged by the safety check-in); a couple's packet, the partner's
# own page and their home's card grow by items (documents signed and
# questionnaires answered).

RISKY = {"feel_safe": "no", "afraid": "often", "hurt": "no", "speak_openly": "afraid"}
PACKET_LIST_QUERIES = {
    # session, user, 2FA; the page of packets (couple, partners, counselor and hold-lifter
    # joined) and their items; the progress: the documents' versions to sign and the
    # signers' signatures, the published documents, the questionnaires' occurrences, the
    # answers' states; the bell's count; for the counselor, the partners' safety flags
    "counselor": 12,
    # the same without the safety flags: an admin never sees them, and they are not read
    "practice_admin": 11,
}
FEW_COUPLES, MORE_COUPLES = 1, 9


@pytest.fixture
def grow_packets(counselor, default_packet, consent, sign, answer):
    """grow_packets(n): n more couples on Dana's caseload with their packet: the
    first partner signed, answered both questionnaires (the check-in risky,
    so flagged); the second answered the questionnaire about them only."""
    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            couple = CoupleFactory(
                partner_one=ClientFactory(full_name=f"First Partner{made[0]}"),
                partner_two=ClientFactory(full_name=f"Second Partner{made[0]}"),
                primary_counselor=counselor,
            )
            packet = services.packet_create(actor=counselor, couple=couple)
            sign(couple.partner_one, consent)
            answer(couple.partner_one, packet, INTAKE_QUESTIONNAIRE_SLUG)
            answer(couple.partner_one, packet, SAFETY_SCREEN_SLUG, RISKY)
            answer(couple.partner_two, packet, INTAKE_QUESTIONNAIRE_SLUG)

    return add


@pytest.mark.parametrize("who", list(PACKET_LIST_QUERIES))
def test_the_intake_list_costs_the_same_for_one_packet_and_ten(who, request, grow_packets, as_user):
    client = as_user(request.getfixturevalue(who))
    grow_packets(FEW_COUPLES)
    client.get("/intake/")
    few, few_queries = _fetch(client, "/intake/")
    grow_packets(MORE_COUPLES)
    many, many_queries = _fetch(client, "/intake/")
    assert len(many.context["rows"]) == FEW_COUPLES + MORE_COUPLES > len(few.context["rows"])
    flags = many.content.decode().count(">Safety flag</span>")
    assert flags == (FEW_COUPLES + MORE_COUPLES if who == "counselor" else 0)
    sql = "\n".join(q["sql"][:160] for q in many_queries.captured_queries)
    assert len(few_queries) == len(many_queries) == PACKET_LIST_QUERIES[who], sql


PACKET_QUERIES = {
    # session, user, 2FA; the packet (couple, partners, counselor joined) and its items; the
    # progress (5, as on the list); the add form's documents and questionnaires; the couple's
    # first appointment and whether a session has taken place; the bell's count; for the
    # counselor, the partners' safety flags
    ("counselor", "packet_detail"): 16,
    ("practice_admin", "packet_detail"): 15,
    # session, user; the partner's packet and its items; their progress (5); the first
    # appointment; whether they are in safety mode (base.html); the bell's count
    ("partner", "/me/intake/"): 12,
    # the home's own 10 (tests/exercises/test_views_query_counts.py, whose packet lookup
    # finds nothing), the next appointment card's (scheduling.context_processors) and, the
    # packet found, its items and the partner's progress (5)
    ("partner", "/me/"): 17,
}


@pytest.fixture
def grow_items(counselor, practice_admin, packet, partner, sign):
    """grow_items(n): n more documents and n more questionnaires in Sam and Riley's
    packet, each signed or answered by Sam (Riley does nothing)."""
    from exercises.models import Occurrence
    from exercises.services import response_submit

    made = [0]

    def add(n: int) -> None:
        for _ in range(n):
            made[0] += 1
            version = services.document_create(
                actor=practice_admin, kind="other", title=f"Agreement {made[0]}", text=f"Text {made[0]}."
            )
            version = services.document_version_publish(actor=practice_admin, version=version)
            services.packet_item_add(actor=counselor, packet=packet, document_id=version.document_id)
            sign(partner, version)
            template = template_create(
                owner=counselor,
                title=f"Questions {made[0]}",
                summary="A few questions.",
                instructions="Answer alone.",
                fields=[{"key": "feeling", "kind": "short_text", "label": "I feel", "required": True}],
                visibility="counselor_only",
            )
            item = services.packet_item_add(actor=counselor, packet=packet, template_id=template.pk)
            occurrence = Occurrence.objects.get(assignment_id=item.assignment_id)
            response_submit(occurrence=occurrence, user=partner, answers={"feeling": "calm"})

    return add


@pytest.mark.parametrize(("who", "page"), list(PACKET_QUERIES))
def test_a_packet_costs_the_same_for_a_few_items_and_many(who, page, request, grow_items, couple, as_user):
    client = as_user(request.getfixturevalue(who))
    url = f"/intake/couples/{couple.pk}/" if page == "packet_detail" else page
    grow_items(1)
    client.get(url)
    few, few_queries = _fetch(client, url)
    grow_items(6)
    many, many_queries = _fetch(client, url)
    if url == "/me/":
        # Sam has not answered the safety check-in: the card stays, and counts more.
        assert "2 of 5 done" in few.content.decode()
        assert "14 of 17 done" in many.content.decode()
    else:
        assert len(many.content) > len(few.content)
    sql = "\n".join(q["sql"][:160] for q in many_queries.captured_queries)
    assert len(few_queries) == len(many_queries) == PACKET_QUERIES[(who, page)], sql


API_PACKET_LIST_QUERIES = {
    # session, user, 2FA; the page count, the packets (couple,
    # partners, counselor joined) and their items; the progress (5, as on the pages)
    "counselor": 11,
    "practice_admin": 11,
}


@pytest.mark.parametrize("who", list(API_PACKET_LIST_QUERIES))
def test_the_intake_packets_api_costs_the_same_for_one_packet_and_ten(who, request, grow_packets, as_user):
    client = as_user(request.getfixturevalue(who))
    grow_packets(FEW_COUPLES)
    client.get("/api/v1/intake-packets/")
    few, few_queries = _fetch(client, "/api/v1/intake-packets/")
    grow_packets(MORE_COUPLES)
    many, many_queries = _fetch(client, "/api/v1/intake-packets/")
    assert len(many.json()["results"]) == FEW_COUPLES + MORE_COUPLES > len(few.json()["results"])
    sql = "\n".join(q["sql"][:160] for q in many_queries.captured_queries)
    assert len(few_queries) == len(many_queries) == API_PACKET_LIST_QUERIES[who], sql
