"""The "I" statements exercise end to end in a real browser: a counselor
assigns it, each partner answers (one after a gentle hint), each then sees the
other's answer, the counselor comments and the couple reads the comment."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from exercises.builtin import install_builtin_templates

pytestmark = pytest.mark.browser

HINT = "“Always” and “never” sum a person up"


def log_in(recording, user, live_server):
    """Skip the login form (tests/browser/test_client_home.py covers it): a
    session made by force_login, handed to the browser as its cookie."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    recording.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return recording.page


def answer(page, *, i_feel, when, because, would_like):
    # A label's accessible name goes on with "(required)" for screen readers.
    for label, text in (
        ("I feel…", i_feel),
        ("when…", when),
        ("because…", because),
        ("What I would like is…", would_like),
    ):
        page.get_by_role("textbox", name=re.compile(f"^{re.escape(label)}")).fill(text)


def submit(page, button="Submit"):
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def test_couple_completes_i_statements_and_reads_the_counselors_comment(
    open_page, live_server, counselor, couple, screenshots_dir
):
    install_builtin_templates()  # an earlier transactional test may have flushed the migration's rows
    sam, riley = couple.partner_one, couple.partner_two
    shot = lambda page, name: page.screenshot(path=str(screenshots_dir / f"i-statements-{name}.png"), full_page=True)  # noqa: E731

    # The counselor assigns "I" statements through the couple's exercises page.
    desk = log_in(open_page(1280, 900), counselor, live_server)
    desk.goto(f"{live_server.url}/couples/{couple.pk}/exercises/")
    desk.locator("summary", has_text="Assign an exercise").click()  # the form opens from the top of the page
    desk.get_by_label("Exercise", exact=True).select_option(label="“I” statements (built-in)")
    desk.get_by_label("Note for the couple", exact=True).fill("Pick one small moment from this week.")
    desk.get_by_label("Once, due on a date", exact=True).check()
    desk.get_by_label("Due date (once)", exact=True).fill((timezone.localdate() + timedelta(days=2)).isoformat())
    desk.get_by_label("Due at (the couple's local time)", exact=True).fill("19:00")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Assign", exact=True).click()
    assert "is assigned to" in desk.locator(".messages").inner_text()
    shot(desk, "1-counselor-assigned")

    # Sam, on a phone, finds it on the home page and opens it.
    phone = open_page(375, 800)
    sam_page = log_in(phone, sam, live_server)
    sam_page.goto(f"{live_server.url}/me/")
    shot(sam_page, "2-partner-home-375")
    with sam_page.expect_navigation():
        sam_page.get_by_role("link", name="“I” statements").click()
    occurrence_url = sam_page.url

    # A blaming first draft gets a gentle hint instead of being submitted.
    answer(
        sam_page,
        i_feel="You never listen",
        when="I talk about my day",
        because="it matters to me",
        would_like="I would like ten minutes after dinner",
    )
    submit(sam_page)
    assert HINT in sam_page.locator(".hint").first.inner_text()
    assert sam_page.get_by_role("button", name="Submit anyway").is_visible()
    shot(sam_page, "3-partner-hint-375")
    assert sam_page.evaluate("document.documentElement.scrollWidth") <= 375, "the page scrolls sideways on a phone"

    # Sam rephrases and submits; Riley's answer stays hidden until Riley submits too.
    answer(
        sam_page,
        i_feel="I feel unheard",
        when="I talk about my day and the TV stays on",
        because="sharing my day is how I feel close to you",
        would_like="I would like ten minutes with the TV off after dinner",
    )
    submit(sam_page)
    assert "Your answer is submitted" in sam_page.locator(".messages").inner_text()
    assert sam_page.locator(".hint").count() == 0
    assert "not submitted an answer yet" in sam_page.locator("#partner-heading + p").inner_text()
    shot(sam_page, "4-partner-submitted-375")

    # Riley submits and then sees Sam's answer.
    riley_page = log_in(open_page(1280, 900), riley, live_server)
    riley_page.goto(occurrence_url)
    assert "once you have both submitted" in riley_page.content()
    answer(
        riley_page,
        i_feel="I feel rushed",
        when="we plan the weekend on Sunday night",
        because="I like to look forward to things",
        would_like="I would like us to plan on Thursdays",
    )
    submit(riley_page)
    assert "TV off after dinner" in riley_page.locator("section", has_text="Your partner's answer").inner_text()

    # Sam now sees Riley's answer.
    sam_page.goto(occurrence_url)
    assert "plan on Thursdays" in sam_page.locator("section", has_text="Your partner's answer").inner_text()
    shot(sam_page, "5-partner-sees-both-375")

    # The counselor reads both answers, marks Sam's reviewed and comments.
    desk.goto(f"{live_server.url}/couples/{couple.pk}/exercises/")
    assert desk.locator(".state-submitted").count() == 2
    shot(desk, "6-counselor-couple-page")
    with desk.expect_navigation():
        desk.get_by_role("link", name="Answers").first.click()
    assert "TV off after dinner" in desk.content() and "plan on Thursdays" in desk.content()
    with desk.expect_navigation():
        desk.get_by_role("button", name="Mark reviewed").first.click()
    desk.get_by_label("Comment for the couple", exact=True).fill("Two clear requests. Try both this week.")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Post comment").click()
    shot(desk, "7-counselor-review")

    # Both partners see the comment.
    for page in (sam_page, riley_page):
        page.goto(occurrence_url)
        assert "Two clear requests. Try both this week." in page.locator("#comments-heading + ul").inner_text()
    shot(sam_page, "8-partner-comment-375")
    assert phone.foreign_requests(live_server.url) == []
