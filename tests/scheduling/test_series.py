from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from scheduling import services
from scheduling.models import Appointment, AppointmentSeries, AppointmentStatus, TimeOff
from tests.scheduling.helpers import at, next_dst_change


@pytest.fixture
def book_series(practice_admin, edmonds, couple, dana):
    def _book(first_start, **options):
        values = {
            "actor": practice_admin,
            "counselor": dana,
            "location": edmonds,
            "first_start": first_start,
            "couple": couple,
        }
        values.update(options)
        return services.appointment_book_series(**values)

    return _book


def test_a_weekly_series_with_a_count_books_each_session(book_series, tuesday):
    series = book_series(at(tuesday, "10:00"), count=4)
    starts = [a.local_start() for a in series.appointments.order_by("start")]
    assert starts == [at(tuesday + timedelta(weeks=n), "10:00") for n in range(4)]
    assert series.rrule == "FREQ=WEEKLY;INTERVAL=1;COUNT=4"
    assert all(a.status == AppointmentStatus.CONFIRMED for a in series.appointments.all())


def test_an_every_other_week_series_ends_on_its_end_date(book_series, tuesday):
    series = book_series(at(tuesday, "10:00"), interval_weeks=2, until=tuesday + timedelta(weeks=6))
    starts = [a.local_start().date() for a in series.appointments.order_by("start")]
    assert starts == [tuesday + timedelta(weeks=n) for n in (0, 2, 4, 6)]


def test_a_series_needs_an_end_date_or_a_count(book_series, tuesday):
    with pytest.raises(ValidationError) as error:
        book_series(at(tuesday, "10:00"))
    assert "until" in error.value.message_dict


def test_a_series_with_taken_dates_lists_them_and_saves_nothing(book, book_series, tuesday):
    book(tuesday + timedelta(weeks=1), "10:30")
    book(tuesday + timedelta(weeks=3), "09:30")
    with pytest.raises(services.SeriesConflict) as error:
        book_series(at(tuesday, "10:00"), count=5)
    assert error.value.dates == [tuesday + timedelta(weeks=1), tuesday + timedelta(weeks=3)]
    assert f"{tuesday + timedelta(weeks=1):%a %-d %b %Y}" in error.value.message
    assert AppointmentSeries.objects.count() == 0
    assert Appointment.objects.count() == 2


def test_a_series_running_into_time_off_names_the_dates_and_saves_nothing(book_series, dana, tuesday):
    off = tuesday + timedelta(weeks=2)
    TimeOff.objects.create(counselor=dana, starts_on=off, ends_on=off)
    with pytest.raises(ValidationError) as error:
        book_series(at(tuesday, "10:00"), count=3)
    assert error.value.message_dict["first_start"] == [f"{off:%a %-d %b %Y}: Dana Reyes is off that day."]
    assert Appointment.objects.count() == 0


def test_a_series_keeps_its_wall_clock_time_across_daylight_saving(book_series):
    first = at(next_dst_change(spring=True) - timedelta(days=12), "10:00")  # two Tuesdays before spring forward
    series = book_series(first, count=3)
    sessions = list(series.appointments.order_by("start"))
    assert [a.local_start().strftime("%H:%M") for a in sessions] == ["10:00", "10:00", "10:00"]
    assert all(a.end - a.start == timedelta(minutes=50) for a in sessions)
    assert sessions[0].start.utcoffset() == sessions[2].start.utcoffset() == timedelta(0)
    assert sessions[0].local_start().utcoffset() != sessions[2].local_start().utcoffset()


def test_one_occurrence_can_be_cancelled_alone(book_series, tuesday, practice_admin):
    series = book_series(at(tuesday, "10:00"), count=3)
    second = series.appointments.order_by("start")[1]
    services.appointment_cancel(actor=practice_admin, appointment=second, reason="Holiday")
    statuses = list(series.appointments.order_by("start").values_list("status", flat=True))
    assert statuses == [AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED, AppointmentStatus.CONFIRMED]


def test_one_occurrence_can_be_moved_alone(book_series, tuesday, practice_admin):
    series = book_series(at(tuesday, "10:00"), count=3)
    first = series.appointments.order_by("start")[0]
    services.appointment_reschedule(actor=practice_admin, appointment=first, start=at(tuesday, "14:00"))
    times = [a.local_start().strftime("%H:%M") for a in series.appointments.order_by("start")]
    assert times == ["14:00", "10:00", "10:00"]


def test_an_intake_cannot_be_a_series(book_series, tuesday):
    with pytest.raises(ValidationError):
        book_series(at(tuesday, "10:00"), count=2, kind="intake", couple=None)


def test_the_end_date_counts_in_the_location_time_zone(book_series, tuesday):
    # Ending "on" the second Tuesday includes that day's 10:00 session (18:00 UTC).
    series = book_series(at(tuesday, "10:00"), until=tuesday + timedelta(weeks=1))
    assert series.appointments.count() == 2
