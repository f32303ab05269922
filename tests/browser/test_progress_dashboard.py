"""In a real browser, on a phone and on a desktop: the counselor's caseload
dashboard and a couple's progress page with its score chart."""

import pytest
from django.test import Client
from django.utils import timezone

from progress.models import MeasureScore
from tests.progress.generate import generate

pytestmark = pytest.mark.browser


def log_in(recording, user, live_server):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    recording.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return recording.page


@pytest.fixture
def caseload(counselor):
    """Twelve generated couples on Dana's caseload with 12 weeks of history."""
    from progress.builtin import install_builtin_measures

    install_builtin_measures()  # the live server's database is flushed between tests
    return generate(counselor, 12, now=timezone.now(), seed=21)


@pytest.mark.parametrize("width", [375, 900, 1280])
def test_the_dashboard_and_a_progress_page_render_with_the_chart(
    width, open_page, live_server, counselor, caseload, screenshots_dir
):
    recording = open_page(width, 900)
    page = log_in(recording, counselor, live_server)
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/dashboard/")
    assert page.get_by_role("heading", name="Caseload", level=1).is_visible()
    assert page.locator(".caseload-row").count() >= 9
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the dashboard scrolls sideways"
    page.screenshot(path=str(screenshots_dir / f"progress-dashboard-{width}.png"), full_page=True)
    page.screenshot(path=str(screenshots_dir / f"progress-dashboard-{width}-top.png"))

    scored = max(caseload, key=lambda c: MeasureScore.objects.filter(couple=c).count())
    page.goto(f"{live_server.url}/couples/{scored.pk}/progress/")
    chart = page.locator("svg.chart").first
    assert chart.is_visible()
    box = chart.bounding_box()
    assert box is not None and 250 <= box["width"] <= width
    assert page.get_by_role("img", name="Emotional intimacy check: each partner's scores over time").count() == 1
    assert page.locator("table caption", has_text="The figures in the chart").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the progress page scrolls sideways"
    sideways = page.evaluate(
        "[...document.querySelectorAll('.chart-table')].map(box => box.scrollWidth - box.clientWidth)"
    )
    assert sideways and max(sideways) <= 0, f"a figures table scrolls sideways in its box by {max(sideways)} px"
    page.screenshot(path=str(screenshots_dir / f"progress-couple-{width}.png"), full_page=True)
    page.locator("#completion-heading").scroll_into_view_if_needed()
    chart.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots_dir / f"progress-couple-{width}-chart.png"))
    assert recording.foreign_requests(live_server.url) == []
