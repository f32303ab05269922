"""The partner's home, the counselor's per-couple page and every exercises
list endpoint cost the same number of queries for 5 and for 50 assignments."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exercises import services

ANSWERS = {"feeling": "calm"}

# Measured; each is pinned for 5 and for 50 assignments. Raise only with a reason.
# Every request starts with session and user, and for staff the 2FA check; a list
# endpoint adds its page count; a page adds the notification bell's unread count.
QUERIES = {
    # partner: couple, its other counselors, due this week, overdue, done, the bell, whether the
    # partner is in safety mode (base.html), their intake packet (the home's card; none here), and
    # with none, the documents to sign again (the published versions; none here, so no signatures),
    # their next appointment (scheduling.context_processors)
    ("partner", "/me/"): 12,
    # counselor: couple, its other counselors, high-conflict flag, current progress (occurrences,
    # answers), current assignments, a page of ended ones, a page of history (occurrences; their
    # answers only when there are some, see test_views_couple_paging), the form's templates, the bell
    ("counselor", "couple_page"): 13,
    ("counselor", "/api/v1/exercises/"): 5,
    ("counselor", "/api/v1/assignments/"): 5,
    ("partner", "/api/v1/assignments/"): 4,
    ("counselor", "/api/v1/occurrences/"): 5,
    ("partner", "/api/v1/occurrences/"): 4,
}


@pytest.fixture
def add_assignments(make_template, assign, occurrence_of, partner):
    """add_assignments(n): n more assignments for Sam and Riley, half with Sam's answer submitted."""

    def add(n):
        template = make_template()
        for i in range(n):
            occurrence = occurrence_of(assign(template))
            if i % 2:
                services.response_submit(occurrence=occurrence, user=partner, answers=ANSWERS)

    return add


def resolve(url, couple):
    return f"/couples/{couple.pk}/exercises/" if url == "couple_page" else url


@pytest.mark.parametrize(("who", "url"), list(QUERIES))
def test_query_count_is_the_same_for_5_and_50_assignments(
    who, url, request, couple, add_assignments, as_user, django_assert_num_queries
):
    client, expected = as_user(request.getfixturevalue(who)), QUERIES[(who, url)]
    url = resolve(url, couple)
    add_assignments(5)
    client.get(url)  # warm up per-process caches (content types, ...)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    add_assignments(45)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


# --- Rituals -------------------------------------------------------------------------------------

RITUAL_LOG = {"ritual": "morning_coffee", "happened": True, "minutes": 15}


@pytest.fixture
def add_rituals(assign, builtin, partner, other_partner):
    """add_rituals(n): n more daily rituals for Sam and Riley, each with today's logged by both."""
    from datetime import time

    from django.utils import timezone

    def add(n):
        for _ in range(n):
            assignment = assign(
                builtin("rituals-of-connection"),
                due_on=None,
                rrule="FREQ=DAILY",
                starts_on=timezone.localdate(),
                due_time=time(23, 59),
            )
            first = assignment.occurrences.order_by("due_at").first()
            for user in (partner, other_partner):
                services.response_submit(occurrence=first, user=user, answers=RITUAL_LOG)

    return add


def queries_for(client, url, *, contains=""):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200 and contains in response.content.decode()
    return len(captured.captured_queries)


def test_the_couple_page_with_rituals_takes_the_same_queries_for_5_and_50(counselor, couple, add_rituals, as_user):
    client, url = as_user(counselor), f"/couples/{couple.pk}/exercises/"
    add_rituals(5)
    client.get(url)
    with_5 = queries_for(client, url, contains="Ritual log")
    add_rituals(45)
    assert queries_for(client, url) == with_5
    # The plain couple page's count, plus the rituals' periods and logs, and one audit insert
    # after the audit chain's head (accounts.audit_chain).
    assert with_5 == QUERIES[("counselor", "couple_page")] + 4


def test_a_practice_page_takes_the_same_queries_for_5_and_50_logged_periods(
    partner, other_partner, assign, builtin, as_user
):
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    start = datetime(2026, 1, 1, 9, tzinfo=ZoneInfo("America/Los_Angeles"))
    assignment = assign(
        builtin("rituals-of-connection"),
        due_on=None,
        rrule="FREQ=DAILY",
        starts_on=date(2026, 1, 1),
        due_time=time(8),
        now=start,
    )
    services.occurrences_generate(assignment=assignment, until=start + timedelta(days=60))
    days = list(assignment.occurrences.order_by("due_at"))

    def log(periods):
        for occurrence in periods:
            for user in (partner, other_partner):
                services.response_submit(occurrence=occurrence, user=user, answers=RITUAL_LOG, now=start)

    client, url = as_user(partner), f"/exercises/occurrences/{days[-1].pk}/"
    log(days[:5])
    client.get(url)
    with_5 = queries_for(client, url, contains="Ritual log")
    log(days[5:50])
    assert queries_for(client, url) == with_5
    # The home page's count (session, user, couple, its other counselors, three lists, the bell,
    # safety mode, the intake card's packet, the documents to sign again) + 4: occurrence and
    # answers instead of the lists, high-conflict flag, the ritual's periods and logs, the audit
    # chain's head and one audit insert, comments; - 3: this page has no intake card and no
    # next appointment card.
    assert with_5 == QUERIES[("partner", "/me/")] + 4 - 3
