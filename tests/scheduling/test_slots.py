from __future__ import annotations

import re
from datetime import timedelta

import pytest

from scheduling import services, slots
from scheduling.models import CounselorProfile, TimeOff
from tests.scheduling.helpers import LA, NEW_YORK, at, next_dst_change, open_hours, work


def _times(found: list[slots.Slot]) -> list[str]:
    return [f"{slot.start:%H:%M}" for slot in found]


def test_a_free_day_offers_every_start_on_the_grid_that_fits(dana, edmonds, tuesday):
    found = slots.free_slots(counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday)
    assert _times(found)[:3] == ["09:00", "09:15", "09:30"]
    assert _times(found)[-1] == "16:00"  # 16:00 + 50 min still ends before 17:00
    assert all(slot.start.tzinfo == LA for slot in found)


def test_the_duration_changes_the_last_start(dana, edmonds, tuesday):
    found = slots.free_slots(
        counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday, duration=timedelta(minutes=90)
    )
    assert _times(found)[-1] == "15:30"


def test_the_buffer_holds_around_an_existing_appointment(book, dana, edmonds, tuesday):
    book(tuesday, "11:00")  # 11:00-11:50
    found = _times(slots.free_slots(counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday))
    assert "10:00" in found  # ends 10:50, ten minutes clear of 11:00
    assert "10:15" not in found
    assert "11:45" not in found  # would start five minutes after the session
    assert "12:00" in found  # ten minutes after 11:50


def test_without_a_buffer_back_to_back_starts_are_offered(book, dana, edmonds, tuesday):
    book(tuesday, "11:00", duration_minutes=60)
    found = _times(
        slots.free_slots(counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday, buffer=timedelta(0))
    )
    assert "10:10" not in found and "10:00" in found
    assert "12:00" in found


def test_cancelled_appointments_free_their_time(book, dana, edmonds, tuesday, practice_admin):
    appointment = book(tuesday, "11:00")
    services.appointment_cancel(actor=practice_admin, appointment=appointment, reason="Ill")
    assert "11:00" in _times(slots.free_slots(counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday))


def test_an_appointment_at_another_location_blocks_the_counselor(book, dana, edmonds, online_office, tuesday):
    work(dana, online_office, 1, "17:00", "19:00")
    book(tuesday, "17:00", location=online_office)
    found = _times(slots.free_slots(counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday))
    assert found[-1] == "16:00"  # 16:00-16:50 keeps exactly the 10-minute buffer


def test_opening_hours_narrow_the_working_hours(dana, edmonds, tuesday):
    edmonds.opening_hours.filter(weekday=1).update(opens="12:00")
    found = _times(slots.free_slots(counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday))
    assert found[0] == "12:00"


def test_time_off_removes_the_day(dana, edmonds, tuesday):
    TimeOff.objects.create(counselor=dana, starts_on=tuesday, ends_on=tuesday)
    assert slots.free_slots(counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday) == []


def test_an_inactive_location_never_appears(dana, edmonds, online_office, tuesday, practice_admin):
    services.location_deactivate(actor=practice_admin, location=edmonds)
    found = slots.free_slots(counselor=dana, date_from=tuesday, date_to=tuesday + timedelta(days=6))
    assert {slot.location_id for slot in found} == {online_office.pk}


def test_a_counselor_on_leave_never_appears(dana, owen, edmonds, tuesday):
    CounselorProfile.objects.filter(user=dana).update(on_leave=True)
    found = slots.free_slots(location=edmonds, date_from=tuesday, date_to=tuesday)
    assert {slot.counselor_id for slot in found} == {owen.pk}


def test_a_location_search_covers_every_counselor_working_there(dana, owen, edmonds, tuesday):
    found = slots.free_slots(location=edmonds, date_from=tuesday, date_to=tuesday)
    assert {slot.counselor_id for slot in found} == {dana.pk, owen.pk}


def test_a_partners_other_appointment_blocks_the_couples_slots(book, owen, edmonds, couple, tuesday, practice_admin):
    couple.other_counselors.add(owen)
    services.appointment_book(
        actor=practice_admin,
        counselor=owen,
        location=edmonds,
        start=at(tuesday, "13:00"),
        kind="individual_session",
        couple=couple,
        individual_client=couple.partner_one,
    )
    found = _times(
        slots.free_slots(
            counselor=couple.primary_counselor, location=edmonds, date_from=tuesday, date_to=tuesday, couple=couple
        )
    )
    assert "13:00" not in found and "12:00" in found


def test_slots_in_the_past_are_not_offered(dana, edmonds, tuesday):
    found = _times(
        slots.free_slots(counselor=dana, location=edmonds, date_from=tuesday, date_to=tuesday, now=at(tuesday, "12:05"))
    )
    assert found[0] == "12:15"


@pytest.fixture
def sunday_office(counselor, edmonds):
    """Edmonds also opens on Sundays 00:00-23:59 and Dana works there Sundays 01:00-05:00."""
    open_hours(edmonds, range(6, 7), "00:00", "23:59")
    work(counselor, edmonds, 6, "01:00", "05:00")
    return edmonds


def test_free_slots_are_right_on_the_spring_forward_day(dana, sunday_office):
    day = next_dst_change(spring=True)  # 02:00 PST jumps to 03:00 PDT
    found = slots.free_slots(counselor=dana, location=sunday_office, date_from=day, date_to=day)
    starts = _times(found)
    # 01:00 to 05:00 wall clock is only three real hours; 02:xx never happens.
    assert starts == ["01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30", "03:45", "04:00"]
    across = found[3]
    assert across.duration == timedelta(minutes=50)
    assert f"{across.end:%H:%M %Z}" == "03:35 PDT"  # 01:45 PST + 50 real minutes
    assert found[4].start.utcoffset() == timedelta(hours=-7)


def test_free_slots_on_a_dst_day_read_right_for_a_client_in_new_york(dana, sunday_office):
    day = next_dst_change(spring=False)  # 02:00 PDT falls back to 01:00 PST
    found = slots.free_slots(counselor=dana, location=sunday_office, date_from=day, date_to=day)
    seen_in_new_york = [slot.start.astimezone(NEW_YORK).strftime("%H:%M %Z") for slot in found]
    # Dana works five real hours (01:00 PDT to 05:00 PST); 04:00 Los Angeles is 07:00 New York.
    assert seen_in_new_york[0] == "03:00 EST"  # 01:00 PDT is 08:00 UTC; New York fell back at 06:00 UTC
    assert "07:00 EST" in seen_in_new_york
    # The repeated hour is offered once, under its first (PDT) reading.
    assert len({f"{slot.start:%H:%M}" for slot in found}) == len(found)
    assert all(slot.duration == timedelta(minutes=50) for slot in found)


def test_the_weekday_slot_keeps_its_wall_clock_across_the_change(dana, edmonds):
    change = next_dst_change(spring=True)
    before, after = change - timedelta(days=5), change + timedelta(days=2)  # Tuesdays either side
    first_before = slots.free_slots(counselor=dana, location=edmonds, date_from=before, date_to=before)[0]
    first_after = slots.free_slots(counselor=dana, location=edmonds, date_from=after, date_to=after)[0]
    assert (first_before.start.hour, first_after.start.hour) == (9, 9)
    assert first_before.start.astimezone(NEW_YORK).hour == first_after.start.astimezone(NEW_YORK).hour == 12
    assert first_before.start.utcoffset() != first_after.start.utcoffset()


def test_is_free_slot_agrees_with_the_search(book, dana, edmonds, tuesday):
    book(tuesday, "11:00")
    assert slots.is_free_slot(
        counselor=dana, location=edmonds, start=at(tuesday, "09:00"), duration=timedelta(minutes=50)
    )
    assert not slots.is_free_slot(
        counselor=dana, location=edmonds, start=at(tuesday, "11:45"), duration=timedelta(minutes=50)
    )


def test_a_client_in_new_york_sees_the_spring_forward_day_in_their_time_with_the_offices_zone_stated(
    as_user, partner, dana, sunday_office
):
    partner.time_zone = "America/New_York"
    partner.save()
    day = next_dst_change(spring=True)
    page = as_user(partner).get("/appointments/request/", {"from": day.isoformat()}).content.decode()
    assert "Times are in your time zone, <strong>America/New_York</strong>" in page
    assert "Edmonds is in America/Los_Angeles" in page
    sunday = page.split(f"{day:%A, %B} {day.day} · 9 free", 1)[1].split("</details>", 1)[0]
    labels = re.findall(r'slot-button">([^<]+)<span class="small"> \(([^)]+) there\)', sunday)
    # Los Angeles skips 02:00-03:00 that night; New York has already sprung, so its clock runs on unbroken.
    assert labels == [
        ("5:00 AM", "1:00 AM PST"),
        ("5:15 AM", "1:15 AM PST"),
        ("5:30 AM", "1:30 AM PST"),
        ("5:45 AM", "1:45 AM PST"),
        ("6:00 AM", "3:00 AM PDT"),
        ("6:15 AM", "3:15 AM PDT"),
        ("6:30 AM", "3:30 AM PDT"),
        ("6:45 AM", "3:45 AM PDT"),
        ("7:00 AM", "4:00 AM PDT"),
    ]
