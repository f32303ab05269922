"""In a real browser, on a phone: a counselor builds an exercise with the
field builder (adding and reordering questions with its script); a partner
gets the "I" statement hint while typing; the ritual log reads well on the
counselor's couple page and the partner's practice page."""

import re
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from exercises import services
from exercises.builtin import install_builtin_templates
from exercises.models import ExerciseTemplate

pytestmark = pytest.mark.browser


def log_in(recording, user, live_server):
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    recording.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return recording.page


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "the page scrolls sideways on a phone"


def test_a_counselor_builds_an_exercise_on_a_phone(open_page, live_server, counselor, screenshots_dir):
    recording = open_page(375, 800)
    page = log_in(recording, counselor, live_server)
    page.goto(f"{live_server.url}/exercises/templates/new/")
    page.get_by_label("Title").fill("Evening debrief")
    page.get_by_label("Summary").fill("Two minutes on the day.")
    page.get_by_label("Instructions").fill("Answer on your own, then compare.")

    rows = page.locator("[data-row]")
    first = rows.nth(0)
    first.get_by_label("Question", exact=True).fill("Where did we eat?")
    first.get_by_label("Kind of answer").select_option("single_choice")
    assert first.get_by_label("Choices, one per line (single choice, checklist)").is_visible()
    assert not first.get_by_label("Maximum length (text)").is_visible()  # not for a choice
    first.get_by_label("Choices, one per line (single choice, checklist)").fill("At home\nOut")

    blanks = rows.count()
    page.get_by_role("button", name="Add a question").click()
    assert rows.count() == blanks + 1
    added = rows.nth(blanks)
    added.get_by_label("Question", exact=True).fill("How close did you feel?")
    added.get_by_label("Kind of answer").select_option("scale")
    added.get_by_label("Label for 1 (scale)").fill("Far apart")
    added.get_by_label("Label for 5 (scale)").fill("Very close")
    # Move the added question to the top, one step at a time.
    for _ in range(blanks):
        page.locator(f"[data-row]:has(input[name='fields-{blanks}-label'])").get_by_role(
            "button", name="Move up"
        ).click()
    page.screenshot(path=str(screenshots_dir / "builder-375.png"), full_page=True)
    rows.nth(0).screenshot(path=str(screenshots_dir / "builder-row-375.png"))
    no_sideways_scroll(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "The exercise is saved" in page.locator(".messages").inner_text()
    template = ExerciseTemplate.objects.get(owner=counselor)
    assert [f["key"] for f in template.fields] == ["how_close_did_you_feel", "where_did_we_eat"]
    assert recording.foreign_requests(live_server.url) == []


def test_a_partner_sees_the_hint_while_typing(open_page, live_server, counselor, couple, screenshots_dir):
    install_builtin_templates()  # an earlier transactional test may have flushed the migration's rows
    template = ExerciseTemplate.objects.get(slug="i-statements", owner__isnull=True)
    today = timezone.localdate()  # the practice's day, not the machine's (UTC)
    assignment = services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=today,
        due_on=today + timedelta(days=2),
        due_time=time(19),
    )
    occurrence = assignment.occurrences.get()
    page = log_in(open_page(375, 800), couple.partner_one, live_server)
    page.goto(f"{live_server.url}/exercises/occurrences/{occurrence.pk}/")
    field = page.get_by_role("textbox", name=re.compile("^I feel…"))
    field.press_sequentially("You never listen")
    live = page.locator("#id_answer-i_feel_livehint")
    live.locator(".hint").wait_for()
    assert "“Always” and “never” sum a person up" in live.inner_text()
    page.screenshot(path=str(screenshots_dir / "live-hint-375.png"), full_page=True)
    page.locator(".answer-field").first.screenshot(path=str(screenshots_dir / "live-hint-field-375.png"))
    field.fill("")
    field.press_sequentially("I feel unheard")
    # Waits without evaluating a string in the page: the CSP forbids eval.
    expect(page.locator("#id_answer-i_feel_livehint > *")).to_have_count(0)


def test_the_ritual_log_on_a_phone(open_page, live_server, counselor, couple, screenshots_dir):
    install_builtin_templates()
    template = ExerciseTemplate.objects.get(slug="rituals-of-connection", owner__isnull=True)
    la = ZoneInfo("America/Los_Angeles")
    start = datetime.now(la) - timedelta(days=10)
    assignment = services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=start.date(),
        rrule="FREQ=DAILY",
        due_time=time(8),
        now=start,
    )
    services.occurrences_generate(assignment=assignment, until=datetime.now(la) + timedelta(days=14))
    past = [o for o in assignment.occurrences.order_by("due_at") if o.due_at < datetime.now(la)]
    pattern = [(True, True), (True, True), (True, None), (False, False), (True, True), (True, True)]
    for occurrence, logs in zip(past[-len(pattern) :], pattern, strict=True):
        for partner, happened in zip(couple.partners, logs, strict=True):
            if happened is not None:
                services.response_submit(
                    occurrence=occurrence,
                    user=partner,
                    now=occurrence.due_at + timedelta(hours=1),
                    answers={"ritual": "morning_coffee", "happened": happened, "minutes": 15},
                )

    desk = log_in(open_page(375, 800), counselor, live_server)
    desk.goto(f"{live_server.url}/couples/{couple.pk}/exercises/")
    log = desk.locator(".ritual").first
    assert "Current streak" in log.inner_text() and "Mismatch" in log.inner_text()
    desk.screenshot(path=str(screenshots_dir / "ritual-counselor-375.png"), full_page=True)
    desk.locator(".assignment").first.screenshot(path=str(screenshots_dir / "ritual-counselor-card-375.png"))
    no_sideways_scroll(desk)

    phone = log_in(open_page(375, 800), couple.partner_one, live_server)
    phone.goto(f"{live_server.url}/exercises/occurrences/{past[-1].pk}/")
    assert "Ritual log" in phone.locator(".ritual").inner_text()
    phone.screenshot(path=str(screenshots_dir / "ritual-partner-375.png"), full_page=True)
    phone.locator(".ritual").screenshot(path=str(screenshots_dir / "ritual-partner-log-375.png"))
    no_sideways_scroll(phone)
