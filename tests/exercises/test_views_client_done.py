"""A partner's home shows their latest done exercises and links to all of
them, a page at a time (portal.paging), when there are more."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import services
from exercises.views.home import DONE_PAGE_SIZE

ANSWERS = {"feeling": "calm"}
LATEST = 5


@pytest.fixture
def submit(make_template, assign, occurrence_of, partner):
    """submit(n): n more exercises Sam has answered."""

    def add(n):
        template = make_template(title="Done check")
        for _ in range(n):
            services.response_submit(occurrence=occurrence_of(assign(template)), user=partner, answers=ANSWERS)

    return add


def done_section(response) -> str:
    page = response.content.decode()
    start = page.index('id="done-heading"')
    return page[start : page.index("</section>", start)]


def test_the_home_shows_only_the_latest_done(partner, as_user, submit):
    submit(LATEST + 3)
    assert done_section(as_user(partner).get("/me/")).count('class="occurrence"') == LATEST


def test_the_home_links_to_all_done_when_there_are_more(partner, as_user, submit):
    submit(LATEST + 1)
    assert 'href="/exercises/done/"' in done_section(as_user(partner).get("/me/"))


def test_the_home_has_no_link_when_all_done_are_shown(partner, as_user, submit):
    submit(LATEST)
    assert 'href="/exercises/done/"' not in done_section(as_user(partner).get("/me/"))


def test_the_done_page_is_paged(partner, as_user, submit):
    submit(DONE_PAGE_SIZE + 1)
    client = as_user(partner)
    first = client.get("/exercises/done/").content.decode()
    assert first.count('class="occurrence"') == DONE_PAGE_SIZE
    assert 'href="?page=2"' in first
    assert client.get("/exercises/done/", {"page": 2}).content.decode().count('class="occurrence"') == 1


def test_a_counselor_has_no_done_page(counselor, as_user):
    assert as_user(counselor).get("/exercises/done/").status_code == 404


def test_the_done_page_takes_the_same_queries_for_5_and_50(partner, as_user, submit):
    client = as_user(partner)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/exercises/done/").status_code == 200
        return len(captured.captured_queries)

    submit(5)
    client.get("/exercises/done/")
    with_5 = queries()
    submit(45)
    assert queries() == with_5
    # session, user, the couple (with its high-conflict setting), its other counselors,
    # the page's rows, safety mode (base.html), the bell
    assert with_5 == 7
