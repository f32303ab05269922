"""The partner's home, the counselor's per-couple page and every exercises
list endpoint cost the same number of queries for 5 and for 50 assignments."""

import pytest

from exercises import services

ANSWERS = {"feeling": "calm"}

# Measured; each is pinned for 5 and for 50 assignments. Raise only with a reason.
# Every request starts with session and user, and for staff the 2FA check; a list
# endpoint adds its page count.
QUERIES = {
    # partner: couple, its other counselors, due this week, overdue, done
    ("partner", "/me/"): 7,
    # counselor: couple, its other counselors, high-conflict flag, progress (occurrences, answers),
    # assignments, the form's templates
    ("counselor", "couple_page"): 10,
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
