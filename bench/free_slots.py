"""Benchmark: the free-slot search over 4 weeks for a counselor with 500 appointments, against a floor.

Not part of the test suite. Run from the project root:

    .venv/bin/python bench/free_slots.py [--runs 15] [--keep]

It needs PostgreSQL: BENCH_DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/portal_bench_slots) names a database of
its own, which is dropped and created afresh, migrated, filled, measured and
dropped again (--keep leaves it).

The floor is measured in the same run, on the same connection: fetching
that counselor's appointments, working hours and time off over the same
span, one query each (ORM values_list, no model instances). The search does
that and more (the practice settings, the counselor, opening hours, the
grid over 28 days), so the ratio says what the search costs beyond reading
its data. The last line is machine-readable: `ratio=<measured> target=5`.
The script exits 0 whether or not the target is met.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time as clock
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._database import measured_in_own_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench_slots"
TARGET = 5
APPOINTMENTS = 500
SEARCH_DAYS = 28


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("CACHE_URL", "locmemcache://bench")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def fill(first_day: date) -> tuple[Any, Any]:
    """A counselor at one Los Angeles office, weekdays 08:00-20:00, with 500 confirmed sessions
    spread over 20 weeks around the 4 searched (five a working day), and three spells of time off."""
    from accounts.models import Couple, Role, User
    from scheduling.models import (
        Appointment,
        AppointmentStatus,
        Location,
        OpeningHours,
        TimeOff,
        WorkingHours,
    )

    office = Location.objects.create(name="Edmonds", slug="edmonds", time_zone="America/Los_Angeles")
    OpeningHours.objects.bulk_create(
        OpeningHours(location=office, weekday=day, opens=time(7), closes=time(21)) for day in range(6)
    )
    counselor = User.objects.create(email="dana@bench.test", full_name="Dana Reyes", role=Role.COUNSELOR)
    other = User.objects.create(email="owen@bench.test", full_name="Owen Park", role=Role.COUNSELOR)
    for who in (counselor, other):
        WorkingHours.objects.bulk_create(
            WorkingHours(counselor=who, location=office, weekday=day, start=time(8), end=time(20)) for day in range(5)
        )
    clients = User.objects.bulk_create(
        User(email=f"client{n}@bench.test", full_name=f"Client {n}", role=Role.CLIENT) for n in range(100)
    )
    couples = Couple.objects.bulk_create(
        Couple(partner_one=clients[n], partner_two=clients[n + 1], primary_counselor=counselor)
        for n in range(0, 100, 2)
    )
    # Five sessions a working day (a full but not solid day) over 20 weeks,
    # from 8 weeks before the searched 4 to 8 weeks after.
    days = [first_day - timedelta(weeks=8) + timedelta(days=n) for n in range(20 * 7)]
    workdays = [day for day in days if day.weekday() < 5]
    times = [time(8), time(9, 15), time(11), time(14), time(16, 30)]
    starts = [
        datetime.combine(workdays[index // len(times)], times[index % len(times)], tzinfo=office.tz)
        for index in range(APPOINTMENTS)
    ]
    # Owen has as many sessions at the same times: the search must not read them.
    Appointment.objects.bulk_create(
        Appointment(
            counselor=who,
            location=office,
            couple=couples[index % len(couples)],
            status=AppointmentStatus.CONFIRMED,
            start=start,
            end=start + timedelta(minutes=50),
        )
        for who in (counselor, other)
        for index, start in enumerate(starts)
    )
    TimeOff.objects.bulk_create(
        TimeOff(
            counselor=counselor, starts_on=first_day + timedelta(days=start), ends_on=first_day + timedelta(days=end)
        )
        for start, end in ((3, 3), (10, 11), (40, 44))
    )
    return counselor, office


def median_ms(run: Callable[[], object], runs: int) -> float:
    run()  # warm up: connection, query compilation, imports
    timings = []
    for _ in range(runs):
        started = clock.perf_counter()
        run()
        timings.append((clock.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(runs: int) -> float:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from scheduling import slots
    from scheduling.models import BLOCKING_STATUSES, Appointment, TimeOff, WorkingHours

    first_day = timezone.localdate() + timedelta(days=7)
    counselor, office = fill(first_day)
    last_day = first_day + timedelta(days=SEARCH_DAYS - 1)
    span_start = datetime.combine(first_day - timedelta(days=1), time.min, tzinfo=office.tz)
    span_end = datetime.combine(last_day + timedelta(days=2), time.min, tzinfo=office.tz)
    in_range = Appointment.objects.filter(counselor=counselor, start__lt=span_end, end__gt=span_start).count()

    def search() -> list:
        return slots.free_slots(counselor=counselor, location=office, date_from=first_day, date_to=last_day)

    def floor() -> None:
        list(
            Appointment.objects.filter(
                counselor_id=counselor.pk, status__in=BLOCKING_STATUSES, start__lt=span_end, end__gt=span_start
            ).values_list("start", "end")
        )
        list(
            WorkingHours.objects.filter(counselor_id=counselor.pk).values_list("location_id", "weekday", "start", "end")
        )
        list(
            TimeOff.objects.filter(
                counselor_id=counselor.pk, starts_on__lte=last_day, ends_on__gte=first_day
            ).values_list("starts_on", "ends_on")
        )

    search_ms = median_ms(search, runs)
    floor_ms = median_ms(floor, runs)
    with CaptureQueriesContext(connection) as queries:
        found = search()
    ratio = search_ms / floor_ms
    print(f"counselor with {APPOINTMENTS} appointments ({in_range} in the searched span), {SEARCH_DAYS} days searched")
    print(f"free-slot search: median {search_ms:.2f} ms over {runs} runs, {len(found)} slots, {len(queries)} queries")
    print(f"floor (appointments, working hours, time off; one query each): median {floor_ms:.2f} ms over {runs} runs")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each (the median is reported)")
    parser.add_argument("--keep", action="store_true", help="leave the bench database in place")
    options = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)

    def run() -> float:
        setup_django(url)
        return measure(max(1, options.runs))

    ratio = measured_in_own_database(url, run, keep=options.keep)
    print(f"ratio={ratio:.2f} target={TARGET}")
    sys.exit(0)


if __name__ == "__main__":
    main()
