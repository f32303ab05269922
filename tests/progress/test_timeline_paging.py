"""A couple's progress page shows its timeline ten events at a time, newest
first, with a "Show older" link; every page takes the same queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from progress.views import TIMELINE_PAGE_SIZE
from tests.progress.generate import generate


@pytest.fixture
def busy(counselor, intimacy):
    """A couple on Dana's caseload with twelve weeks of answers, reviews and sessions."""
    return generate(counselor, 1, now=timezone.now(), seed=7)[0]


def events(page: str) -> list[str]:
    section = page[page.index('id="timeline-heading"') :]
    return re.findall(r'<li class="timeline-[a-z]+"><time datetime="([^"]+)"', section)


def test_the_timeline_shows_one_page_of_events_and_a_show_older_link(busy, counselor, as_user):
    page = as_user(counselor).get(f"/couples/{busy.pk}/progress/").content.decode()
    assert len(events(page)) == TIMELINE_PAGE_SIZE
    assert 'href="?timeline=2#timeline-heading" rel="next">Show older' in page


def test_the_next_page_goes_on_with_older_events(busy, counselor, as_user):
    client, url = as_user(counselor), f"/couples/{busy.pk}/progress/"
    first = events(client.get(url).content.decode())
    second = events(client.get(url, {"timeline": 2}).content.decode())
    assert second and max(second) <= min(first)
    assert not set(first) & set(second)


def test_every_timeline_page_takes_the_same_queries(busy, counselor, as_user):
    client, url = as_user(counselor), f"/couples/{busy.pk}/progress/"
    client.get(url)

    def queries(page):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, {"timeline": page}).status_code == 200
        return len(captured.captured_queries)

    assert queries(1) == queries(2) == queries(4)
