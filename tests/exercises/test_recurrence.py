"""RRULEs: building, parsing, round trips, and occurrences across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from exercises import recurrence
from exercises.recurrence import RecurrenceSpec

LA = "America/Los_Angeles"


def local_times(rrule: str, starts_on: date, until: datetime, tz: str = LA) -> list[datetime]:
    return [
        due_at.astimezone(ZoneInfo(tz))
        for _, due_at in recurrence.occurrences(
            rrule, starts_on=starts_on, due_time=time(19), time_zone=tz, until=until
        )
    ]


def test_sundays_at_seven_stay_at_seven_local_across_spring_forward():
    times = local_times("FREQ=WEEKLY;BYDAY=SU", date(2026, 3, 1), datetime(2026, 3, 17, tzinfo=UTC))
    assert [t.date() for t in times] == [date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 15)]
    assert {(t.hour, t.minute) for t in times} == {(19, 0)}
    # Same wall clock, different UTC: the offset changed under it.
    assert [t.utcoffset().total_seconds() / 3600 for t in times] == [-8, -7, -7]


def test_sundays_at_seven_stay_at_seven_local_across_fall_back():
    times = local_times("FREQ=WEEKLY;BYDAY=SU", date(2026, 10, 25), datetime(2026, 11, 10, tzinfo=UTC))
    assert [t.date() for t in times] == [date(2026, 10, 25), date(2026, 11, 1), date(2026, 11, 8)]
    assert {(t.hour, t.minute) for t in times} == {(19, 0)}
    assert [t.utcoffset().total_seconds() / 3600 for t in times] == [-7, -8, -8]


def test_occurrences_are_returned_in_utc():
    _, due_at = next(
        recurrence.occurrences(
            "FREQ=DAILY",
            starts_on=date(2026, 3, 8),
            due_time=time(19),
            time_zone=LA,
            until=datetime(2027, 1, 1, tzinfo=UTC),
        )
    )
    assert due_at == datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
    assert due_at.tzinfo == UTC


def test_sequence_numbers_count_from_the_start_whatever_the_window():
    all_ = list(
        recurrence.occurrences(
            "FREQ=DAILY;COUNT=5",
            starts_on=date(2026, 1, 1),
            due_time=time(9),
            time_zone=LA,
            until=datetime(2026, 2, 1, tzinfo=UTC),
        )
    )
    assert [seq for seq, _ in all_] == [1, 2, 3, 4, 5]


def test_until_includes_its_own_day():
    times = local_times("FREQ=DAILY;UNTIL=20260305T235959", date(2026, 3, 3), datetime(2026, 4, 1, tzinfo=UTC))
    assert [t.day for t in times] == [3, 4, 5]


def test_every_two_weeks_on_two_weekdays():
    times = local_times("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", date(2026, 6, 1), datetime(2026, 6, 20, tzinfo=UTC))
    assert [t.date() for t in times] == [date(2026, 6, 1), date(2026, 6, 4), date(2026, 6, 15), date(2026, 6, 18)]


# --- Building, parsing, round trips -------------------------------------------------------


def test_build_writes_a_canonical_rrule():
    rule = recurrence.build(freq="WEEKLY", interval=2, weekdays=[3, 0], count=10)
    assert rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=10"


def test_build_with_an_end_date():
    assert recurrence.build(freq="DAILY", until=date(2026, 6, 30)) == "FREQ=DAILY;UNTIL=20260630T235959"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY",
        "FREQ=WEEKLY;BYDAY=SU",
        "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,WE,FR;UNTIL=20261231T235959",
        "FREQ=DAILY;INTERVAL=2;COUNT=7",
    ],
)
def test_a_canonical_rrule_round_trips_unchanged(rule):
    assert recurrence.serialize(recurrence.parse(rule)) == rule


def test_a_hand_written_rrule_is_normalised():
    assert recurrence.normalize("RRULE:byday=th,mo;freq=weekly;until=20260630") == (
        "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20260630T235959"
    )


specs = st.builds(
    lambda freq, interval, days, end, n, which: RecurrenceSpec(
        freq=freq,
        interval=interval,
        weekdays=tuple(sorted(days)) if freq == "WEEKLY" else (),
        until=end if which == "until" else None,
        count=n if which == "count" else None,
    ),
    freq=st.sampled_from(["DAILY", "WEEKLY"]),
    interval=st.integers(1, 52),
    days=st.sets(st.integers(0, 6)),
    end=st.dates(date(2000, 1, 1), date(2100, 1, 1)),
    n=st.integers(1, 500),
    which=st.sampled_from(["until", "count", "open"]),
)


@given(specs)
def test_any_spec_round_trips_through_its_rrule(spec):
    text = recurrence.serialize(spec)
    assert recurrence.parse(text) == spec
    assert recurrence.serialize(recurrence.parse(text)) == text


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "FREQ=MONTHLY",
        "FREQ=DAILY;BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=1MO",
        "FREQ=WEEKLY;BYDAY=MO,MO",
        "FREQ=DAILY;COUNT=3;UNTIL=20260101",
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=DAILY;COUNT=x",
        "FREQ=DAILY;UNTIL=2026-01-01",
        "FREQ=DAILY;BYHOUR=9",
        "FREQ=DAILY;FREQ=WEEKLY",
        "nonsense",
    ],
)
def test_an_rrule_outside_what_is_offered_is_refused_on_the_rrule_field(rule):
    with pytest.raises(ValidationError) as caught:
        recurrence.parse(rule)
    assert "rrule" in caught.value.message_dict


@pytest.mark.parametrize(
    ("rule", "text"),
    [
        ("FREQ=DAILY", "every day"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;COUNT=10", "every 2 weeks on Mon, Thu, 10 times"),
        ("FREQ=WEEKLY;BYDAY=SU;UNTIL=20260630T235959", "every week on Sun until Jun 30, 2026"),
    ],
)
def test_describe_says_it_in_words(rule, text):
    assert recurrence.describe(rule) == text
