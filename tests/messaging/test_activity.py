"""The practice admin's messaging activity page: counts and times per couple
for support, never a subject, a text or a file; nobody else has it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from messaging import services
from tests.factories import CoupleFactory

SUBJECT = "About the weekend at her mother's"
TEXT = "We argued again about the money."


@pytest.fixture
def conversations(start, couple, partner, counselor):
    joint = start("joint", couple=couple, subject=SUBJECT, body=TEXT)
    start("private", partner, couple=couple, body="A word with you alone.")
    services.message_post(actor=partner, thread=joint, body="Thank you, see you Thursday.")
    return joint


def test_the_practice_admin_sees_each_couples_counts(conversations, couple, practice_admin, as_user):
    response = as_user(practice_admin).get("/messages/activity/")

    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert (row.couple, row.threads, row.private_threads, row.messages) == (couple, 2, 1, 3)


def test_the_activity_page_shows_no_subject_and_no_text(conversations, practice_admin, as_user):
    page = as_user(practice_admin).get("/messages/activity/").content.decode()

    assert SUBJECT not in page
    assert TEXT not in page
    assert "see you Thursday" not in page


@pytest.mark.parametrize("persona", ["counselor", "partner"])
def test_nobody_but_a_practice_admin_has_the_activity_page(request, persona, conversations, as_user):
    assert as_user(request.getfixturevalue(persona)).get("/messages/activity/").status_code == 404


def test_the_activity_page_costs_the_same_for_2_and_20_couples(
    conversations, start, counselor, practice_admin, as_user
):
    client = as_user(practice_admin)

    def cost() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/messages/activity/").status_code == 200
        return len(captured.captured_queries)

    few = cost()
    for _ in range(19):
        start("joint", couple=CoupleFactory(primary_counselor=counselor), body="Hello.")
    assert cost() == few
