"""The counselor's exercises page for a couple: the assign form first, the
current exercises next, and the ended exercises and older occurrences paged
(portal.paging: a page and one row more, no count)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from exercises import services
from exercises.views.couple import ENDED_PAGE_SIZE, HISTORY_PAGE_SIZE, RECENT_DAYS


@pytest.fixture
def url(couple):
    return f"/couples/{couple.pk}/exercises/"


@pytest.fixture
def ended(assign, make_template, counselor):
    """ended(n, title=...): n assignments Dana has ended for Sam & Riley."""

    def add(n, title="Ended check"):
        template = make_template(title=title)
        for _ in range(n):
            services.assignment_end(assignment=assign(template), counselor=counselor)

    return add


@pytest.fixture
def past(assign, make_template):
    """past(n, title=...): n one-off assignments due well before the recent window (still active)."""

    def add(n, title="Old check"):
        template = make_template(title=title)
        long_ago = timezone.now() - timedelta(days=RECENT_DAYS + 10)
        for _ in range(n):
            assign(template, starts_on=long_ago.date(), due_on=long_ago.date(), now=long_ago)

    return add


def test_the_assign_form_comes_before_the_current_exercises(counselor, url, as_user, assign, make_template):
    assign(make_template())
    page = as_user(counselor).get(url).content.decode()
    assert page.index("Assign an exercise") < page.index("Current exercises")


def test_the_assign_form_is_a_closed_disclosure_until_it_has_errors(counselor, url, as_user):
    client = as_user(counselor)
    assert '<details class="card assign-disclosure" id="assign">' in client.get(url).content.decode()
    response = client.post(url, {"template": ""})
    assert response.status_code == 400
    assert '<details class="card assign-disclosure" id="assign" open>' in response.content.decode()


def test_an_ended_assignment_is_listed_under_ended_not_current(counselor, url, as_user, ended):
    ended(1, title="Finished exercise")
    current, rest = _sections(as_user(counselor).get(url))
    assert "Finished exercise" not in current
    assert "Finished exercise" in rest


def test_ended_assignments_are_paged(counselor, url, as_user, ended):
    ended(ENDED_PAGE_SIZE + 1)
    client = as_user(counselor)
    first = client.get(url).content.decode()
    assert first.count('class="badge badge-ended"') == ENDED_PAGE_SIZE
    assert 'href="?ended=2#ended"' in first
    second = client.get(url, {"ended": 2}).content.decode()
    assert second.count('class="badge badge-ended"') == 1


def test_an_occurrence_due_before_the_recent_window_is_in_the_history(counselor, url, as_user, past):
    past(1, title="Long ago check")
    current, history = _sections(as_user(counselor).get(url), end="history-heading")
    assert "Long ago check" in history
    assert current.count("Long ago check") == 1  # its assignment's card, not its occurrence
    assert "Nothing due yet." in current


def test_the_history_is_paged(counselor, url, as_user, past):
    past(HISTORY_PAGE_SIZE + 1)
    client = as_user(counselor)
    assert 'href="?history=2#history"' in client.get(url).content.decode()
    history = client.get(url, {"history": 2}).content.decode().split('id="history-heading"')[1]
    assert history.count('rel="prev"') == 1
    assert history.count("Answers<span") == 1


def test_a_history_page_link_keeps_the_ended_page(counselor, url, as_user, past):
    past(HISTORY_PAGE_SIZE + 1)
    assert 'href="?ended=2&amp;history=2#history"' in as_user(counselor).get(url, {"ended": 2}).content.decode()


def _sections(response, *, end="ended-heading"):
    """(the current exercises' section, everything after it from ``end``)."""
    page = response.content.decode().split('id="assignments-heading"')[1]
    current, rest = page.split(f'id="{end}"')
    return current, rest


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_page_with_ended_and_past_exercises_takes_the_same_queries_for_5_and_50(
    counselor, url, as_user, ended, past, assign, make_template
):
    from tests.exercises.test_views_query_counts import QUERIES

    client, template = as_user(counselor), make_template()

    def add(n):
        ended(n)
        past(n)
        for _ in range(n):
            assign(template)

    add(5)
    client.get(url)
    with_5 = _queries(client, url)
    add(45)
    assert _queries(client, url) == with_5
    # The plain page's count (current occurrences' answers loaded, no history) and the
    # history's answers: each prefetch runs only when its list has rows.
    assert with_5 == QUERIES[("counselor", "couple_page")] + 1
