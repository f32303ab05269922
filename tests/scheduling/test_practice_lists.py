"""A practice admin's practice-wide scheduling pages are bounded by what one
screen shows: /appointments/ is a two-week window in pages, /intake-requests/
and /schedules/ are in pages (Previous/Next keep the filters, no count), and
/calendar/ shows one office. A counselor's calendar still shows what runs
into its first day from the night before."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Couple, Role, User
from portal import paging
from scheduling import services
from scheduling.models import (
    LONGEST_APPOINTMENT,
    Appointment,
    AppointmentStatus,
    CounselorProfile,
    IntakeRequest,
    IntakeStatus,
    Location,
)
from tests.factories import CounselorFactory
from tests.scheduling.helpers import at

pytestmark = pytest.mark.django_db


def _appointments(n: int, counselor: User, location: Location, day: date, *, clock: str = "00:00") -> list[Appointment]:
    """n confirmed 20-minute sessions of the counselor on `day` from `clock` (local) on, a couple each
    (bulk_create: these tests measure reading, not booking rules)."""
    made = Appointment.objects.count()
    clients = User.objects.bulk_create(
        User(email=f"c{made + i}-{side}@example.test", full_name=f"Client {made + i}{side}", role=Role.CLIENT)
        for i in range(n)
        for side in "ab"
    )
    couples = Couple.objects.bulk_create(
        Couple(partner_one=one, partner_two=two, primary_counselor=counselor)
        for one, two in zip(clients[::2], clients[1::2], strict=True)
    )
    first = at(day, clock)
    return Appointment.objects.bulk_create(
        Appointment(
            counselor=counselor,
            location=location,
            couple=couple,
            status=AppointmentStatus.CONFIRMED,
            start=first + timedelta(minutes=20 * i),
            end=first + timedelta(minutes=20 * i + 20),
        )
        for i, couple in enumerate(couples)
    )


def _soon() -> date:
    return timezone.localdate() + timedelta(days=3)


def _lines(response) -> int:
    return response.content.decode().count('class="appointment ')


# ---------------------------------------------------------------- /appointments/ (admin)


def test_the_admins_appointments_show_a_page_and_a_next_link(practice_admin, dana, edmonds, as_user):
    _appointments(paging.PAGE_SIZE + 5, dana, edmonds, _soon())
    response = as_user(practice_admin).get("/appointments/")
    assert _lines(response) == paging.PAGE_SIZE
    assert 'rel="next"' in response.content.decode()
    assert "Page 1" in response.content.decode()


def test_the_admins_second_page_shows_the_rest(practice_admin, dana, edmonds, as_user):
    _appointments(paging.PAGE_SIZE + 5, dana, edmonds, _soon())
    response = as_user(practice_admin).get("/appointments/?page=2")
    assert _lines(response) == 5
    assert 'rel="next"' not in response.content.decode()


def test_the_admins_appointment_pages_keep_the_filters(practice_admin, dana, edmonds, as_user):
    _appointments(paging.PAGE_SIZE + 5, dana, edmonds, _soon())
    html = as_user(practice_admin).get(f"/appointments/?date={_soon()}&location=edmonds&counselor={dana.pk}")
    assert f'href="?date={_soon()}&amp;location=edmonds&amp;counselor={dana.pk}&amp;page=2"' in html.content.decode()


def test_the_admins_appointments_default_to_two_weeks_from_today(practice_admin, dana, edmonds, as_user):
    near = _appointments(1, dana, edmonds, _soon(), clock="10:00")[0]
    later = _appointments(1, dana, edmonds, timezone.localdate() + timedelta(days=20), clock="10:00")[0]
    html = as_user(practice_admin).get("/appointments/").content.decode()
    assert f"/appointments/{near.pk}/" in html
    assert f"/appointments/{later.pk}/" not in html


def test_the_date_filter_moves_the_window(practice_admin, dana, edmonds, as_user):
    later_day = timezone.localdate() + timedelta(days=20)
    later = _appointments(1, dana, edmonds, later_day, clock="10:00")[0]
    html = as_user(practice_admin).get(f"/appointments/?date={later_day}").content.decode()
    assert f"/appointments/{later.pk}/" in html


def test_the_location_filter_leaves_out_other_offices(practice_admin, dana, edmonds, online_office, as_user):
    here = _appointments(1, dana, edmonds, _soon(), clock="10:00")[0]
    online = _appointments(1, dana, online_office, _soon(), clock="12:00")[0]
    html = as_user(practice_admin).get("/appointments/?location=edmonds").content.decode()
    assert f"/appointments/{here.pk}/" in html
    assert f"/appointments/{online.pk}/" not in html


def test_the_counselor_filter_leaves_out_other_counselors(practice_admin, dana, owen, edmonds, as_user):
    danas = _appointments(1, dana, edmonds, _soon(), clock="10:00")[0]
    owens = _appointments(1, owen, edmonds, _soon(), clock="12:00")[0]
    html = as_user(practice_admin).get(f"/appointments/?location=edmonds&counselor={owen.pk}").content.decode()
    assert f"/appointments/{owens.pk}/" in html
    assert f"/appointments/{danas.pk}/" not in html


def test_the_admins_window_shows_its_cancelled_appointments_apart(practice_admin, dana, edmonds, as_user):
    kept, cancelled = _appointments(2, dana, edmonds, _soon(), clock="10:00")
    Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED, cancelled_at=timezone.now())
    response = as_user(practice_admin).get("/appointments/")
    assert [a.pk for a in response.context["page"]] == [kept.pk]
    assert [a.pk for a in response.context["cancelled"]] == [cancelled.pk]


def test_a_counselors_appointment_list_is_not_windowed(dana, edmonds, as_user):
    later = _appointments(1, dana, edmonds, timezone.localdate() + timedelta(days=40), clock="10:00")[0]
    assert f"/appointments/{later.pk}/" in as_user(dana).get("/appointments/").content.decode()


def test_the_admins_filtered_appointments_cost_the_same_queries_for_5_and_120(practice_admin, dana, edmonds, as_user):
    client = as_user(practice_admin)
    url = f"/appointments/?location=edmonds&counselor={dana.pk}"
    _appointments(5, dana, edmonds, _soon())
    client.get(url)  # warm up per-process caches
    with CaptureQueriesContext(connection) as few:
        assert _lines(client.get(url)) == 5
    _appointments(115, dana, edmonds, _soon() + timedelta(days=1))
    with CaptureQueriesContext(connection) as many:
        assert _lines(client.get(url)) == paging.PAGE_SIZE
    # session, user, 2FA, the bell; the locations, the office's counselors; the page, requests, cancelled
    assert len(few) == len(many) == 9, "\n".join(q["sql"][:150] for q in many.captured_queries)


# ---------------------------------------------------------------- /intake-requests/


def _requests(n: int) -> None:
    IntakeRequest.objects.bulk_create(
        IntakeRequest(names=f"Pat and Lee {i}", email=f"pat{i}@example.test") for i in range(n)
    )


def test_the_intake_requests_show_a_page_and_a_next_link_keeping_the_status(practice_admin, as_user):
    _requests(paging.PAGE_SIZE + 5)
    response = as_user(practice_admin).get("/intake-requests/?status=new")
    assert len(response.context["intakes"].items) == paging.PAGE_SIZE
    assert 'href="?status=new&amp;page=2"' in response.content.decode()


def test_the_intake_requests_second_page_shows_the_rest(practice_admin, as_user):
    _requests(paging.PAGE_SIZE + 5)
    response = as_user(practice_admin).get("/intake-requests/?status=new&page=2")
    assert len(response.context["intakes"].items) == 5


def test_the_intake_requests_cost_the_same_queries_for_5_and_120(practice_admin, as_user):
    client = as_user(practice_admin)
    _requests(5)
    client.get("/intake-requests/")
    with CaptureQueriesContext(connection) as few:
        client.get("/intake-requests/")
    _requests(115)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/intake-requests/").context["intakes"].items) == paging.PAGE_SIZE
    # session, user, 2FA, the bell; the page with counselor, office and specialty joined in
    assert len(few) == len(many) == 5, "\n".join(q["sql"][:150] for q in many.captured_queries)


def test_other_statuses_are_left_out(practice_admin, as_user):
    _requests(2)
    IntakeRequest.objects.filter(names="Pat and Lee 0").update(status=IntakeStatus.CLOSED)
    names = [i.names for i in as_user(practice_admin).get("/intake-requests/").context["intakes"]]
    assert names == ["Pat and Lee 1"]


# ---------------------------------------------------------------- /schedules/


def _counselors(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        CounselorFactory(full_name=f"Counselor {i:03}", email=f"counselor{i}@practice.test")


def test_the_schedules_show_a_page_of_counselors_and_a_next_link(practice_admin, as_user):
    _counselors(paging.PAGE_SIZE + 5)
    response = as_user(practice_admin).get("/schedules/")
    assert len(response.context["counselors"].items) == paging.PAGE_SIZE
    assert 'href="?page=2"' in response.content.decode()


def test_the_schedules_cost_the_same_queries_for_5_and_60_counselors(practice_admin, as_user):
    client = as_user(practice_admin)
    _counselors(5)
    client.get("/schedules/")
    with CaptureQueriesContext(connection) as few:
        client.get("/schedules/")
    _counselors(55, start=5)
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/schedules/").context["counselors"].items) == paging.PAGE_SIZE
    # session, user, 2FA, the bell; the page of counselors with their profiles
    assert len(few) == len(many) == 5, "\n".join(q["sql"][:150] for q in many.captured_queries)


# ---------------------------------------------------------------- /calendar/


@pytest.fixture
def olga(online_office) -> User:
    """Olga works online only."""
    user = CounselorFactory(full_name="Olga Online", email="olga@practice.test")
    CounselorProfile.objects.create(user=user, slug="olga-online").locations.set([online_office])
    return user


def test_the_admins_calendar_defaults_to_the_first_active_office(practice_admin, dana, edmonds, online_office, as_user):
    here = _appointments(1, dana, edmonds, _soon(), clock="10:00")[0]
    online = _appointments(1, dana, online_office, _soon(), clock="12:00")[0]
    response = as_user(practice_admin).get(f"/calendar/?date={_soon()}")
    html = response.content.decode()
    assert response.context["location"] == edmonds  # "Edmonds" before "Online (WA only)"
    assert f"/appointments/{here.pk}/" in html
    assert f"/appointments/{online.pk}/" not in html


def test_the_admins_calendar_counselor_menu_lists_that_offices_counselors(practice_admin, dana, owen, olga, as_user):
    names = [c.full_name for c in as_user(practice_admin).get("/calendar/").context["counselors"]]
    assert names == ["Dana Reyes", "Owen Park"]


def test_the_admins_calendar_shows_the_office_asked_for(practice_admin, dana, olga, online_office, as_user):
    online = _appointments(1, olga, online_office, _soon(), clock="12:00")[0]
    response = as_user(practice_admin).get(f"/calendar/?date={_soon()}&location=online")
    assert [c.full_name for c in response.context["counselors"]] == ["Dana Reyes", "Olga Online"]
    assert f"/appointments/{online.pk}/" in response.content.decode()


def test_a_schedules_calendar_link_shows_that_counselor_anywhere(practice_admin, dana, olga, online_office, as_user):
    online = _appointments(1, olga, online_office, _soon(), clock="12:00")[0]
    response = as_user(practice_admin).get(f"/calendar/?date={_soon()}&counselor={olga.pk}")
    assert response.context["counselor"] == olga
    assert f"/appointments/{online.pk}/" in response.content.decode()


def test_a_counselors_calendar_shows_a_session_running_into_monday_from_sunday_night(dana, edmonds, as_user):
    monday = _soon() + timedelta(days=7 - _soon().weekday())
    sunday_night = at(monday - timedelta(days=1), "22:00")
    [couple_appointment] = _appointments(1, dana, edmonds, monday - timedelta(days=1), clock="22:00")
    Appointment.objects.filter(pk=couple_appointment.pk).update(end=sunday_night + LONGEST_APPOINTMENT)
    response = as_user(dana).get(f"/calendar/?date={monday}")
    first_day, shown = response.context["days"][0]
    assert first_day == monday
    assert [a.pk for a in shown] == [couple_appointment.pk]


def test_a_counselors_calendar_leaves_out_what_ended_before_the_week(dana, edmonds, as_user):
    monday = _soon() + timedelta(days=7 - _soon().weekday())
    _appointments(1, dana, edmonds, monday - timedelta(days=1), clock="22:00")  # over at 22:20 on Sunday
    response = as_user(dana).get(f"/calendar/?date={monday}")
    assert all(not shown for _, shown in response.context["days"])


# ---------------------------------------------------------------- the longest appointment


def test_an_appointment_longer_than_the_longest_is_refused_on_its_end(practice_admin, dana, edmonds, couple, tuesday):
    start = at(tuesday, "09:00")
    with pytest.raises(ValidationError) as refused:
        services.appointment_book(
            actor=practice_admin,
            counselor=dana,
            location=edmonds,
            couple=couple,
            start=start,
            end=start + LONGEST_APPOINTMENT + timedelta(minutes=10),
            override_hours_reason="a long workshop",
        )
    assert "end" in refused.value.message_dict


def test_the_database_refuses_an_appointment_longer_than_the_longest(dana, edmonds, couple, tuesday):
    start = at(tuesday, "09:00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            counselor=dana, location=edmonds, couple=couple, start=start, end=start + LONGEST_APPOINTMENT * 2
        )
