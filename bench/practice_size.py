"""Benchmark: does a page's cost follow a person's own data, not the practice's size?

Not part of the test suite (CI does not run it). Run from the project root:

    .venv/bin/python bench/practice_size.py [--runs 15] [--reseed] [--only NAME ...]

Two practices are seeded (bench/_seed_practice.py, set-based SQL into the
real tables after ``migrate``): LARGE, 600 counselors and 15,000 couples with
a year of history (about 1.5 million occurrences, 2 million answers, 5
million reminders, 900,000 appointments), and SMALL, a tenth of it. In both,
Dana (a counselor with 40 couples and their year), Sam (a partner of one of
them) and Alex (the front-desk admin) own identical rows; only the rest of
the practice differs. Each database is kept between runs (a marker table
holds the seed's version and day); ``--reseed`` seeds both again.

BENCH_PG (default postgres://postgres@127.0.0.1:5432) is the server; the
databases are portal_bench_small and portal_bench_large.

In one process, with DEBUG off and Django's test Client logged in
(force_login; Dana and Alex have TOTP on, as the portal requires of staff),
each page and each GET list endpoint under /api/v1/ (found from the URL
resolver, path parameters filled with the user's own objects) is requested
in turns, small then large, page after page, for --runs rounds after two
warm-up rounds, so that load on the shared machine weighs on both sizes
alike. Also the reminder sweep (nothing due, and a fixed 200 of Dana's
couples' reminders due) and Dana's free-slot search over four weeks. One line
each: ``page=<name> small_ms=<median> large_ms=<median> ratio=<r> target=1.25``
(with ``runs=1`` for a probe slower than 2 s: it is timed once, warm-up
included, to keep the run short), then how many hold. Exits 0 whether or not they do.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time as clock
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._seed_practice import LARGE, SEED_VERSION, SMALL, Size, seed  # noqa: E402
from portal.keys import development_key_file  # noqa: E402

PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
TARGET = 1.25
SWEEP_DUE = 200
TABLES = [
    "accounts_user",
    "accounts_couple",
    "accounts_auditevent",
    "exercises_assignment",
    "exercises_occurrence",
    "exercises_response",
    "exercises_comment",
    "progress_measurescore",
    "scheduling_appointment",
    "scheduling_appointmentparticipant",
    "scheduling_appointmentchange",
    "scheduling_intakerequest",
    "notifications_reminder",
    "notifications_inappnotification",
]


def db_name(size: Size) -> str:
    return f"portal_bench_{size.name}"


def setup_django() -> None:
    os.environ.update(
        DATABASE_URL=f"{PG}/{db_name(SMALL)}",
        DJANGO_SETTINGS_MODULE="config.settings",
        DEBUG="false",  # no query log, cached templates: what production runs
        SECRET_KEY="bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        # Clinical content is encrypted (docs/encryption.md): the development key, as the demo uses.
        FIELD_ENCRYPTION_KEYS=",".join(development_key_file(ROOT / "var" / "field-encryption-keys")),
        PORTAL_BASE_URL="http://localhost",  # required when DEBUG is off
        SECURE_SSL_REDIRECT="false",
        CACHE_URL="locmemcache://bench",
        CONN_MAX_AGE="3600",
        LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["*"]  # the test Client says "testserver"
    # No collectstatic here: static URLs without the manifest's hashed names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# --- Databases: one open connection each, swapped in as "default" ----------------------------------


class Databases:
    def __init__(self) -> None:
        from django.db import connections

        self.base = dict(connections["default"].settings_dict)
        self.wrappers: dict[str, Any] = {}

    def use(self, size: Size) -> None:
        from django.db import connections

        if size.name not in self.wrappers:
            wrapper_class = type(connections["default"])
            self.wrappers[size.name] = wrapper_class({**self.base, "NAME": db_name(size)}, "default")
        connections["default"] = self.wrappers[size.name]

    def forget(self, size: Size) -> None:
        wrapper = self.wrappers.pop(size.name, None)
        if wrapper is not None:
            wrapper.close()


def marker(size: Size) -> tuple[int, datetime, float] | None:
    import psycopg

    try:
        with psycopg.connect(f"{PG}/{db_name(size)}") as connection:
            row = connection.execute("SELECT version, anchor, seconds FROM bench_seed.marker").fetchone()
    except psycopg.Error:
        return None
    return (row[0], row[1], row[2]) if row else None


def fresh_database(size: Size) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {db_name(size)} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {db_name(size)}")


def ensure_seeded(dbs: Databases, *, reseed: bool) -> datetime:
    """Seed what is missing (or everything with --reseed), both on the same day."""
    found = {size.name: marker(size) for size in (SMALL, LARGE)}
    valid = {name: m[1] for name, m in found.items() if m and m[0] == SEED_VERSION and not reseed}
    anchors = set(valid.values())
    if len(anchors) > 1:  # seeded on different days: the focus rows would differ
        valid = {}
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    anchor = next(iter(valid.values())) if valid else today
    for size in (SMALL, LARGE):
        if size.name in valid:
            seconds = found[size.name][2]  # type: ignore[index]
            print(f"{size.name}: seeded {anchor:%Y-%m-%d} in {seconds:.0f}s (version {SEED_VERSION}), kept", flush=True)
            from django.core.management import call_command

            dbs.use(size)
            call_command("migrate", verbosity=0, interactive=False)  # an index added since the seed
            continue
        dbs.forget(size)
        fresh_database(size)
        dbs.use(size)
        seed_one(size, anchor)
    age = datetime.now(UTC) - anchor
    if age > timedelta(days=7):
        print(f"note: the seed is {age.days} days old (its future weeks are past now); --reseed renews it")
    return anchor


def seed_one(size: Size, anchor: datetime) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import User

    started = clock.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    migrated = clock.perf_counter()
    with connection.cursor() as cursor:
        seed(cursor, size, anchor=anchor, tz=settings.PRACTICE_TIME_ZONE)
    for email in ("dana@bench.test", "alex@bench.test"):
        TOTP.activate(User.objects.get(email=email), generate_totp_secret())
    filled = clock.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # what autovacuum would have done in a year
        cursor.execute("CREATE TABLE bench_seed.marker (version int, anchor timestamptz, seconds float)")
        cursor.execute("INSERT INTO bench_seed.marker VALUES (%s, %s, %s)", [SEED_VERSION, anchor, filled - started])
    print(
        f"{size.name}: migrated in {migrated - started:.0f}s, seeded in {filled - migrated:.0f}s, "
        f"vacuumed and analyzed in {clock.perf_counter() - filled:.0f}s",
        flush=True,
    )


def row_counts() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for table in TABLES:
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    return counts


# --- What is timed ----------------------------------------------------------------------------------


@dataclass
class Probe:
    name: str
    run: dict[str, Callable[[], Any]] = field(default_factory=dict)  # per size
    before: dict[str, Callable[[], None]] = field(default_factory=dict)  # untimed, before each run
    after: dict[str, Callable[[], None]] = field(default_factory=dict)  # untimed, after each run


@dataclass
class Focus:
    """Dana, Alex and Sam in one database, with logged-in clients and their own objects."""

    dana: Any
    alex: Any
    sam: Any
    clients: dict[str, Any]
    couple: Any
    occurrence: Any
    appointment: Any
    location: Any

    @classmethod
    def load(cls) -> Focus:
        from django.test import Client

        from accounts.models import Couple, User
        from exercises.models import Occurrence
        from scheduling.models import Appointment, Location

        users = {name: User.objects.get(email=f"{name}@bench.test") for name in ("dana", "alex", "sam")}
        clients = {}
        for name, user in users.items():
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            clients[name] = client
        couple = Couple.objects.get(partner_one=users["sam"])
        occurrence = (
            Occurrence.objects.filter(assignment__couple=couple, completed_at__isnull=False).order_by("-due_at").first()
        )
        appointment = Appointment.objects.filter(couple=couple, status="confirmed").order_by("start").first()
        location = Location.objects.get(slug="office-1")
        return cls(users["dana"], users["alex"], users["sam"], clients, couple, occurrence, appointment, location)


def page_urls(f: Focus) -> list[tuple[str, str, str]]:
    """(name, who, url) of the main pages."""
    c, o, a = f.couple.pk, f.occurrence.pk, f.appointment.pk
    return [
        ("counselor.caseload", "dana", "/couples/"),
        ("counselor.dashboard", "dana", "/dashboard/"),
        ("counselor.couple", "dana", f"/couples/{c}/"),
        ("counselor.couple_exercises", "dana", f"/couples/{c}/exercises/"),
        ("counselor.couple_progress", "dana", f"/couples/{c}/progress/"),
        ("counselor.occurrence", "dana", f"/exercises/occurrences/{o}/"),
        ("counselor.templates", "dana", "/exercises/"),
        ("counselor.calendar", "dana", "/calendar/"),
        ("counselor.appointments", "dana", "/appointments/"),
        ("counselor.appointment", "dana", f"/appointments/{a}/"),
        ("counselor.schedule", "dana", f"/schedules/{f.dana.pk}/"),
        ("counselor.notifications", "dana", "/notifications/"),
        ("admin.audit", "alex", "/audit/"),
        ("admin.couples", "alex", "/couples/"),
        ("admin.calendar", "alex", "/calendar/"),
        ("admin.appointments", "alex", "/appointments/"),
        ("admin.intake_requests", "alex", "/intake-requests/"),
        ("admin.schedules", "alex", "/schedules/"),
        ("admin.failed_reminders", "alex", "/notifications/failed/"),
        ("partner.home", "sam", "/me/"),
        ("partner.occurrence", "sam", f"/exercises/occurrences/{o}/"),
        ("partner.appointments", "sam", "/appointments/"),
        ("partner.notifications", "sam", "/notifications/"),
    ]


def api_list_urls(f: Focus) -> list[str]:
    """Every GET list endpoint under /api/v1/, from the URL resolver."""
    from django.urls import URLPattern, URLResolver, get_resolver

    fill = {"couple_id": f.couple.pk, "couple_pk": f.couple.pk, "occurrence_pk": f.occurrence.pk}
    start = datetime.now(UTC).date() + timedelta(days=7 - datetime.now(UTC).weekday())
    queries = {
        "slots/": f"?counselor={f.dana.pk}&date_from={start}&date_to={start + timedelta(days=27)}",
        "availability/": f"?counselor={f.dana.pk}&date_from={start}&date_to={start + timedelta(days=27)}",
    }
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
                continue
            assert isinstance(pattern, URLPattern)
            if not route.startswith("api/v1/") or "(?P<format>" in route or "\\.(?P" in route:
                continue
            view = pattern.callback
            actions = getattr(view, "actions", None)
            cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
            if actions is not None:
                method = actions.get("get")
                if method is None or method == "retrieve" or "<pk>" in route or "(?P<pk>" in route:
                    continue
            elif cls is None or not hasattr(cls, "get"):
                continue
            url = "/" + route.replace("^", "").replace("$", "")
            for name, value in fill.items():
                url = url.replace(f"<int:{name}>", str(value)).replace(f"(?P<{name}>[^/.]+)", str(value))
            if "<" in url or "(?P" in url:  # a format suffix (.json): the same view
                continue
            found.append(url + queries.get(url.removeprefix("/api/v1/"), ""))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def request_probe(name: str, who: str, url: str, focus: dict[str, Focus]) -> Probe:
    probe = Probe(name)
    for size_name, f in focus.items():
        client = f.clients[who]
        probe.run[size_name] = lambda client=client: client.get(url)
    return probe


def sweep_probes(focus: dict[str, Focus]) -> list[Probe]:
    from django.db import connection
    from django.utils import timezone

    from notifications import services
    from notifications.models import Reminder, ReminderState

    services.reminders_dispatch = lambda *, reminder_ids: len(reminder_ids)  # type: ignore[assignment]
    idle, due = Probe("sweep.nothing_due"), Probe(f"sweep.{SWEEP_DUE}_due")
    for size_name, f in focus.items():
        # The practice catches up: what fell due since the seed counts as sent.
        now = timezone.now()
        Reminder.objects.filter(state=ReminderState.PENDING, due_at__lte=now).update(state="sent", sent_at=now)
        chosen = list(
            Reminder.objects.filter(
                state=ReminderState.PENDING, occurrence__assignment__couple__primary_counselor=f.dana
            )
            .order_by("pk")
            .values_list("pk", "due_at")[:SWEEP_DUE]
        )
        assert len(chosen) == SWEEP_DUE, f"{size_name}: only {len(chosen)} pending reminders of Dana's couples"
        ids = [pk for pk, _ in chosen]

        def make_due(ids: list[int] = ids) -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE notifications_reminder SET state = 'pending', lease_expires_at = NULL, lease_owner = '',"
                    " due_at = now() - interval '1 minute' WHERE id = ANY(%s)",
                    [ids],
                )

        def restore(chosen: list[tuple[int, datetime]] = chosen) -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE notifications_reminder r SET state = 'pending', lease_expires_at = NULL,"
                    " lease_owner = '', due_at = v.due_at FROM unnest(%s::bigint[], %s::timestamptz[]) v(id, due_at)"
                    " WHERE r.id = v.id",
                    [[pk for pk, _ in chosen], [at for _, at in chosen]],
                )

        def sweep_due(ids: list[int] = ids) -> None:
            result = services.reminders_sweep()
            assert sorted(result.claimed) == sorted(ids), (len(result.claimed), len(ids))

        def sweep_idle() -> None:
            result = services.reminders_sweep()
            assert not (result.claimed or result.reissued or result.cancelled), result

        idle.run[size_name] = sweep_idle
        due.run[size_name] = sweep_due
        due.before[size_name] = make_due
        due.after[size_name] = restore
    return [idle, due]


def slot_probe(focus: dict[str, Focus]) -> Probe:
    from scheduling import slots

    probe = Probe("scheduling.free_slots_4_weeks")
    today = datetime.now(UTC).date()
    start = today + timedelta(days=7 - today.weekday())
    for size_name, f in focus.items():
        probe.run[size_name] = lambda f=f: slots.free_slots(
            counselor=f.dana, date_from=start, date_to=start + timedelta(days=27)
        )
    return probe


SLOW_MS = 2000  # a probe slower than this at either size is timed once, warm-up included: the run stays short


def measure(dbs: Databases, probes: list[Probe], runs: int, warmup: int = 2) -> dict[str, dict[str, list[float]]]:
    """Milliseconds per probe and size, small and large in turns (the order
    swapped every round); the warm-up rounds are left out, except for a slow probe."""
    samples: dict[str, dict[str, list[float]]] = {p.name: {SMALL.name: [], LARGE.name: []} for p in probes}
    slow: set[str] = set()
    for round_ in range(warmup + runs):
        for probe in probes:
            if probe.name in slow:
                continue
            taken = samples[probe.name]
            for size in (SMALL, LARGE) if round_ % 2 == 0 else (LARGE, SMALL):
                dbs.use(size)
                if size.name in probe.before:
                    probe.before[size.name]()
                started = clock.perf_counter()
                probe.run[size.name]()
                elapsed = (clock.perf_counter() - started) * 1000
                if size.name in probe.after:
                    probe.after[size.name]()
                taken[size.name].append(elapsed)
            if max(taken[SMALL.name][-1], taken[LARGE.name][-1]) > SLOW_MS:
                slow.add(probe.name)
            elif round_ < warmup:
                taken[SMALL.name].pop()
                taken[LARGE.name].pop()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed rounds (the median is reported)")
    parser.add_argument("--reseed", action="store_true", help="seed both practices again")
    parser.add_argument("--only", nargs="*", default=[], help="only the probes whose name contains one of these")
    args = parser.parse_args()
    began = clock.monotonic()
    setup_django()
    dbs = Databases()
    ensure_seeded(dbs, reseed=args.reseed)

    focus: dict[str, Focus] = {}
    counts: dict[str, dict[str, int]] = {}
    for size in (SMALL, LARGE):
        dbs.use(size)
        counts[size.name] = row_counts()
        focus[size.name] = Focus.load()
    print(f"\n{'table':<36}{'small':>12}{'large':>12}")
    for table in TABLES:
        print(f"{table:<36}{counts['small'][table]:>12,}{counts['large'][table]:>12,}")

    # Pages and endpoints, each checked to answer 200 for its user at both sizes.
    candidates = [request_probe(name, who, url, focus) for name, who, url in page_urls(focus["small"])]
    for who in ("dana", "alex", "sam"):
        for url in api_list_urls(focus["small"]):
            endpoint = url.removeprefix("/api/v1/").split("?")[0] or "root"
            candidates.append(request_probe(f"api.{who}.{endpoint}", who, url, focus))
    probes: list[Probe] = []
    for probe in candidates:
        if args.only and not any(word in probe.name for word in args.only):
            continue
        statuses = set()
        for size in (SMALL, LARGE):
            dbs.use(size)
            statuses.add(probe.run[size.name]().status_code)
        if statuses == {200}:
            probes.append(probe)
        else:  # not this user's (an API list a role may not use is a 404)
            print(f"page={probe.name} answered {sorted(statuses)}: not timed")
    extra = [*sweep_probes_for(dbs, focus), slot_probe(focus)]
    probes += [p for p in extra if not args.only or any(word in p.name for word in args.only)]
    print(f"\ntiming {len(probes)} probes, {args.runs} rounds after 2 warm-up rounds\n", flush=True)
    samples = measure(dbs, probes, args.runs)
    held = 0
    for probe in probes:
        small, large = samples[probe.name]["small"], samples[probe.name]["large"]
        small_ms, large_ms = statistics.median(small), statistics.median(large)
        ratio = large_ms / small_ms
        held += ratio <= TARGET
        runs = "" if len(small) == args.runs else f" runs={min(len(small), len(large))}"
        figures = f"small_ms={small_ms:.1f} large_ms={large_ms:.1f} ratio={ratio:.2f} target={TARGET}"
        print(f"page={probe.name} {figures}{runs}", flush=True)
    print(f"\n{held} of {len(probes)} hold (large within {TARGET}x of small); total {clock.monotonic() - began:.0f}s")
    sys.exit(0)


def sweep_probes_for(dbs: Databases, focus: dict[str, Focus]) -> list[Probe]:
    """The sweep's probes, their setup run in each database in turn."""
    probes: list[Probe] = []
    for size in (SMALL, LARGE):
        dbs.use(size)
        made = sweep_probes({size.name: focus[size.name]})
        if not probes:
            probes = made
        else:
            for mine, theirs in zip(probes, made, strict=True):
                mine.run.update(theirs.run)
                mine.before.update(theirs.before)
                mine.after.update(theirs.after)
    return probes


if __name__ == "__main__":
    main()
