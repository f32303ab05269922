"""The cluster test's scenarios in order, and the table of what held."""

from __future__ import annotations

import statistics
import time

from cluster import edge, faults, portal_data, services, shared_state
from cluster.hosts import ADDRESS, ClusterError, Hosts, Proc, wait_until
from cluster.load import Load
from cluster.report import HELD, Report

# The demo practice (config/demo.py, manage.py load_demo).
PARTNERS = [
    "maya.chen@demo.test",
    "tom.chen@demo.test",
    "ana.silva@demo.test",
    "luis.silva@demo.test",
    "beth.nolan@demo.test",
    "chris.nolan@demo.test",
]
SESSION_USER = "priya.rao@demo.test"
LOCKED_USER = "sam.rao@demo.test"
LOAD_COUNSELOR = "daniel.okafor@demo.test"
TOTP_COUNSELOR = "grace.holt@demo.test"


def both_web_hosts_up() -> None:
    wait_until(
        "HAProxy to see web1 and web2 UP",
        lambda: all(state.startswith("UP") for state in services.haproxy_servers().values()),
        timeout=60,
        step=0.5,
    )


def run_all(hosts: Hosts, procs: dict[str, Proc]) -> int:
    portal_data.setup_django()
    from config.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET

    report = Report()
    both_web_hosts_up()
    print("\n== What one web host counts, the other honours", flush=True)
    shared_state.run(
        report,
        password=DEMO_PASSWORD,
        session_user=SESSION_USER,
        locked_user=LOCKED_USER,
        totp_user=TOTP_COUNSELOR,
        secret=DEMO_TOTP_SECRET,
    )
    edge.run(report, counselor_email=TOTP_COUNSELOR)

    print("\n== Under load: 6 partners and a counselor with two-factor, through HAProxy", flush=True)
    load = Load(ADDRESS["lb"], DEMO_PASSWORD)
    load.start(partners=PARTNERS, counselor=LOAD_COUNSELOR, totp_secret=DEMO_TOTP_SECRET)
    load_began = time.monotonic()
    try:
        wait_until(
            "every simulated user to be signed in",
            lambda: (
                len({hit.user for hit in load.between(load_began, time.monotonic()) if hit.what != "login"})
                == len(PARTNERS) + 1
            ),
            timeout=90,
            step=1,
        )
        steps = [
            ("2,000 reminders", lambda: faults.reminders_exactly_once(report, hosts)),
            ("a worker host killed mid-batch", lambda: faults.worker_killed(report, hosts, procs)),
            ("a web host's network cut for 20 s", lambda: faults.web_cut(report, hosts, load)),
            ("the Redis primary killed", lambda: faults.redis_primary_killed(report, hosts, load, procs)),
            ("PgBouncer restarted", lambda: faults.pgbouncer_restarted(report, hosts, load, procs)),
        ]
        for title, step in steps:
            print(f"\n== {title}", flush=True)
            began = time.monotonic()
            try:
                step()
            except ClusterError as exc:
                report.add(title, False, f"could not be run: {exc}")
            print(f"  ({time.monotonic() - began:.0f} s)", flush=True)
    finally:
        load.stop()
    summarize_load(report, load, load_began)
    exited = [key for key, proc in procs.items() if not proc.alive]
    report.add(
        "Every service still running at the end (none restarted but those the faults killed)",
        not exited,
        f"exited: {', '.join(exited)}" if exited else f"{len(procs)} processes",
    )
    print("\n" + report.table(), flush=True)
    verdict = "Everything held." if report.all_held else "NOT everything held."
    print(f"\n{verdict}", flush=True)
    # Again at the very end, where a CI log cut to its last lines still shows them.
    for row in report.rows:
        if row.outcome != HELD:
            print(f"  did not hold: {row.check}: {row.detail}", flush=True)
    return 0 if report.all_held else 1


def summarize_load(report: Report, load: Load, began: float) -> None:
    hits = load.between(began, time.monotonic())
    pages = [hit for hit in hits if hit.what != "login" and not hit.failed]
    seconds = sorted(hit.ended - hit.started for hit in pages)
    p95 = statistics.quantiles(seconds, n=20)[-1] * 1000 if len(seconds) >= 20 else 0.0
    report.add(
        "The simulated users' requests over the whole run",
        bool(pages),
        f"{len(hits)} requests ({len(hits) / max(time.monotonic() - began, 1):.1f}/s),"
        f" {len(faults.failures(hits))} failed (judged per fault above), p95 {p95:.0f} ms",
    )
