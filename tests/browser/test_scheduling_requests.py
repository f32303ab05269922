"""A new couple asks Dana for an appointment from the public directory and the front desk books it,
then invites them as a couple after the intake; an existing client requests one of Dana's free times
and Dana's front desk confirms it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from accounts.models import Couple
from scheduling import services
from scheduling.models import Appointment, AppointmentStatus, IntakeRequest

# The scheduling personas' fixtures; the test parameters below use them by name.

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [375, 1280])
def test_a_new_couple_finds_dana_and_asks_and_the_front_desk_books_the_intake(
    width,
    open_page,
    live_server,
    dana,
    edmonds,
    practice_admin,
    screenshots_dir,
):
    visitor = open_page(width, 900).page
    visitor.goto(f"{live_server.url}/counselors/")
    visitor.select_option("#id_location", "edmonds")
    visitor.select_option("#id_specialty", "premarital-counseling")
    with visitor.expect_navigation():
        visitor.click("text=Show counselors")
    with visitor.expect_navigation():
        visitor.click("text=Dana Reyes, MA, LMHCA")
    visitor.fill("#id_names", "Jamie and Pat Moore")
    visitor.fill("#id_email", "jamie@example.test")
    visitor.fill("#id_preferred_times", "Tuesday mornings")
    with visitor.expect_navigation():
        visitor.click("text=Send request")
    assert "your request is with our front desk" in visitor.locator(".messages").inner_text()
    visitor.screenshot(path=str(screenshots_dir / f"scheduling-intake-sent-{width}.png"), full_page=True)
    if width == 375:
        assert visitor.evaluate("document.documentElement.scrollWidth") <= 375

    desk = open_page(width, 900)
    desk.log_in(practice_admin, live_server.url)
    page = desk.page
    page.goto(f"{live_server.url}/intake-requests/")
    with page.expect_navigation():
        page.click("text=Jamie and Pat Moore")
    # Two weeks of free times, one folded section a day: the first day is open.
    days = page.locator("details.slot-day")
    assert days.count() >= 2
    assert days.first.get_attribute("open") is not None and days.nth(1).get_attribute("open") is None
    page.screenshot(path=str(screenshots_dir / f"scheduling-intake-booking-{width}.png"), full_page=True)
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    days.nth(1).locator("summary").click()
    second_day_slot = days.nth(1).locator("input[name=slot_choice]").first
    _, location_id, chosen = (second_day_slot.get_attribute("value") or "||").split("|")
    second_day_slot.check()
    with page.expect_navigation():
        page.click("text=Book the intake")
    assert "The intake with Jamie and Pat Moore is booked" in page.locator(".messages").inner_text()
    appointment = Appointment.objects.get()
    assert appointment.intake_request == IntakeRequest.objects.get()
    assert (appointment.start, appointment.location_id) == (datetime.fromisoformat(chosen), int(location_id))
    assert desk.foreign_requests(live_server.url) == []


@pytest.mark.parametrize("width", [375, 1280])
def test_a_client_requests_a_free_time_and_the_admin_confirms_it(
    width,
    open_page,
    live_server,
    dana,
    edmonds,
    partner,
    practice_admin,
    screenshots_dir,
):
    client = open_page(width, 900)
    client.log_in(partner, live_server.url)
    page = client.page
    page.goto(f"{live_server.url}/appointments/request/")
    page.screenshot(path=str(screenshots_dir / f"scheduling-client-free-times-{width}.png"), full_page=True)
    with page.expect_navigation():
        page.locator("button.slot-button").first.click()
    assert not Appointment.objects.exists()  # the time is shown to confirm, with a note, before anything is sent
    page.fill("textarea[name=note], input[name=note]", "Mornings suit us")
    with page.expect_navigation():
        page.click("button:text('Send the request')")
    assert "Your request is sent" in page.locator(".messages").inner_text()
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375

    appointment = Appointment.objects.get()
    desk = open_page(width, 900)
    desk.log_in(practice_admin, live_server.url)
    page = desk.page
    page.goto(f"{live_server.url}/appointments/")
    with page.expect_navigation():
        page.click(f"a[href='/appointments/{appointment.pk}/']")
    with page.expect_navigation():
        page.click("button:text('Confirm')")
    assert "The appointment is confirmed" in page.locator(".messages").inner_text()
    page.screenshot(path=str(screenshots_dir / f"scheduling-confirmed-{width}.png"), full_page=True)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CONFIRMED


@pytest.mark.parametrize("width", [375, 1280])
def test_after_the_intake_the_front_desk_invites_the_couple(
    width,
    open_page,
    live_server,
    dana,
    edmonds,
    practice_admin,
    screenshots_dir,
):
    intake = services.intake_request_create(
        names="Jamie and Pat Moore", email="jamie@example.test", counselor=dana, preferred_location=edmonds
    )
    day = timezone.localdate() + timedelta(days=14)
    day += timedelta(days=(1 - day.weekday()) % 7)  # a Tuesday, when Dana is at Edmonds
    services.intake_request_schedule(
        actor=practice_admin,
        intake=intake,
        counselor=dana,
        location=edmonds,
        start=datetime.combine(day, time(10, 0), tzinfo=edmonds.tz),
    )
    desk = open_page(width, 900)
    desk.log_in(practice_admin, live_server.url)
    page = desk.page
    page.goto(f"{live_server.url}/intake-requests/{intake.pk}/")
    assert page.input_value("#id_partner_one_name") == "Jamie Moore"
    assert page.input_value("#id_partner_two_name") == "Pat Moore"
    page.fill("#id_partner_two_email", "pat@example.test")
    page.screenshot(path=str(screenshots_dir / f"scheduling-intake-invite-{width}.png"), full_page=True)
    if width == 375:
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
    with page.expect_navigation():
        page.click("text=Send invitations")
    assert "Invitations are on their way" in page.locator(".messages").inner_text()
    couple = Couple.objects.get()
    assert page.url == f"{live_server.url}/couples/{couple.pk}/"
    assert Appointment.objects.get().couple == couple
