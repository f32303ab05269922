"""The scenarios under load: 2,000 reminders through two worker hosts, then
one fault at a time (a worker host killed mid-batch, a web host's cable
pulled for 20 s, the Redis primary killed, PgBouncer restarted), each with
reminders falling due during it, and what the simulated users saw."""

from __future__ import annotations

import signal
import time
from collections.abc import Callable

from cluster import portal_data, services
from cluster.hosts import ADDRESS, LOGS, Hosts, Proc
from cluster.load import Hit, Load
from cluster.report import Report

RECOVERY_TARGET = 90.0  # seconds from a fault's end to every due reminder delivered
WORKER_PROCESSES = 2  # deploy/env/worker.env: --concurrency=2
WAITING_FOR_LEASES = "short, renewed reminder leases and a 15 s sweep (lead)"


def failures(hits: list[Hit]) -> list[Hit]:
    return [hit for hit in hits if hit.failed]


def describe(hits: list[Hit]) -> str:
    if not hits:
        return "none"
    kinds: dict[str, int] = {}
    for hit in hits:
        key = f"{hit.status or hit.error.split(':')[0]}{' (clean 503)' if hit.clean_503 else ''}"
        kinds[key] = kinds.get(key, 0) + 1
    return ", ".join(f"{count} x {kind}" for kind, count in sorted(kinds.items()))


def delivered_batches(host: str) -> int:
    """Delivery tasks the host's worker finished, from its log."""
    try:
        text = (LOGS / f"{host}-celery-worker.log").read_text(errors="replace")
    except OSError:
        return 0
    return sum(
        1
        for line in text.splitlines()
        if "notifications.deliver_reminders" in line and ('"SUCCESS"' in line or " succeeded " in line)
    )


def recovery(report: Report, fault: str, ids: list[int], fault_ended: float) -> None:
    """Every reminder of ``ids`` (due during the fault) delivered within
    RECOVERY_TARGET seconds of ``fault_ended``."""
    left = RECOVERY_TARGET - (time.monotonic() - fault_ended)
    took, state = portal_data.wait_delivered(ids, timeout=max(left, 0) + 5)
    elapsed = time.monotonic() - fault_ended if took is not None else None
    held = elapsed is not None and elapsed <= RECOVERY_TARGET and state.other == 0
    detail = (
        f"{len(ids)} due: all sent {elapsed:.0f} s after it ended"
        if elapsed is not None and state.other == 0
        else f"{len(ids)} due: {state.sent} sent, {state.waiting} still waiting, {state.other} failed or cancelled"
        f" {time.monotonic() - fault_ended:.0f} s after it ended"
    )
    report.add(f"After {fault}: every due reminder delivered within 90 s", held, detail, waiting_for=WAITING_FOR_LEASES)


def reminders_exactly_once(report: Report, hosts: Hosts) -> None:
    before = {host: delivered_batches(host) for host in services.WORKER_HOSTS}
    ids = portal_data.make_due_reminders(2000)
    began = time.monotonic()
    took, state = portal_data.wait_delivered(ids, timeout=180)
    mail = portal_data.wait_mail(ids)
    rows, distinct = portal_data.notices(ids)
    batches = {host: delivered_batches(host) - before[host] for host in services.WORKER_HOSTS}
    held = took is not None and state.sent == len(ids) and mail.missing == mail.duplicated == 0
    report.add(
        "2,000 reminders delivered exactly once with two worker hosts (Message-IDs at the sink)",
        held and all(batches.values()),
        f"{state.sent} sent in {time.monotonic() - began:.0f} s (from the moment they were made); e-mails: {mail};"
        f" batches per host {batches}",
    )
    report.add(
        "In-app notices of those reminders exactly once",
        rows == distinct == len(ids),
        f"{rows} notices for {distinct} of {len(ids)} reminders",
    )


def worker_killed(report: Report, hosts: Hosts, procs: dict[str, Proc]) -> None:
    ids = portal_data.make_due_reminders(2000)
    # Mid-batch: once delivery has begun and well before it ends.
    deadline = time.monotonic() + 60
    while portal_data.delivery(ids).sent < 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    sent_at_kill = portal_data.delivery(ids).sent
    killed = hosts.kill_host("worker2")
    fault_ended = time.monotonic()
    took, state = portal_data.wait_delivered(ids, timeout=RECOVERY_TARGET + 5)
    mail = portal_data.wait_mail(ids)
    rows, distinct = portal_data.notices(ids)
    others_finished = took is not None and state.sent == len(ids) and mail.missing == 0
    report.add(
        "A worker host killed mid-batch (kill -9): the other finishes the work",
        others_finished and procs["worker1-celery-worker"].alive,
        f"{killed} processes killed with {sent_at_kill} of {len(ids)} sent; then {state.sent} sent,"
        f" {state.waiting} waiting; e-mails: {mail}",
        waiting_for=WAITING_FOR_LEASES,
    )
    report.add(
        "... duplicates only for messages in flight, with the same Message-ID; notices once",
        mail.duplicated <= WORKER_PROCESSES and rows == distinct == state.sent,
        f"{mail.duplicated} reminders e-mailed twice (at most {WORKER_PROCESSES} were in flight on the killed host),"
        f" counted by their Message-ID; {rows} notices for {distinct} reminders",
    )
    recovery(report, "a worker host was killed", ids, fault_ended)
    alive = {host: services.worker_alive(hosts, host) for host in services.WORKER_HOSTS}
    report.add(
        "The worker role's health check (manage.py worker_alive) tells the killed host from the live one",
        alive == {"worker1": True, "worker2": False},
        f"alive: {alive}",
    )
    procs["worker2-celery-worker"] = services.start_worker(hosts, "worker2")


def web_cut(report: Report, hosts: Hosts, load: Load) -> None:
    ids = portal_data.make_due_reminders(300)
    states_seen: set[str] = set()
    cut = time.monotonic()
    hosts.cable("web1", connected=False)
    try:
        while time.monotonic() - cut < 20:
            states_seen.add(services.haproxy_servers().get("web1", "?").split()[0])
            time.sleep(1)
    finally:
        hosts.cable("web1", connected=True)
    restored = time.monotonic()
    back = _wait(lambda: services.haproxy_servers().get("web1", "").startswith("UP"), 30)
    after = time.monotonic()
    hits = load.between(cut - 60, after)
    in_flight = [hit for hit in hits if hit.started < cut < hit.ended]
    started_after = [hit for hit in hits if hit.started >= cut]
    failed_after = failures(started_after)
    report.add(
        "A web host's network cut for 20 s: HAProxy routes around it",
        "DOWN" in states_seen and back is not None,
        f"web1 in HAProxy during the cut: {sorted(states_seen)}; UP again"
        + (f" {back:.0f} s after the cable was back" if back is not None else " not within 30 s"),
    )
    report.add(
        "... no user request failed beyond those in flight at the cut",
        not failed_after,
        f"{len(started_after)} requests from the cut to web1's return: failed {describe(failed_after)};"
        f" in flight at the cut: {len(in_flight)}, failed {describe(failures(in_flight))}",
    )
    recovery(report, "the web host's cut", ids, restored)


def redis_primary_killed(report: Report, hosts: Hosts, load: Load, procs: dict[str, Proc]) -> None:
    ids = portal_data.make_due_reminders(500)
    time.sleep(1)
    workers_before = {host: procs[f"{host}-celery-worker"].popen.pid for host in services.WORKER_HOSTS}
    killed_at = time.monotonic()
    hosts.stop(procs["redis1-redis"], signal.SIGKILL)
    promoted = _wait(lambda: services.sentinel_primary() == ADDRESS["redis2"], 30)
    promoted_at = time.monotonic()
    later = portal_data.make_due_reminders(200)
    took, state = portal_data.wait_delivered(ids + later, timeout=RECOVERY_TARGET + 5)
    mail = portal_data.wait_mail(ids + later)
    hits = load.between(killed_at, time.monotonic())
    report.add(
        "The Redis primary killed: Sentinel promotes the replica",
        promoted is not None and services.redis_role("redis2") == "master",
        f"redis2 primary {promoted:.1f} s after the kill" if promoted is not None else "no promotion within 30 s",
    )
    report.add(
        "... web keeps answering",
        not failures(hits),
        f"{len(hits)} requests from the kill on: failed {describe(failures(hits))}",
    )
    same_workers = all(
        procs[f"{host}-celery-worker"].alive and procs[f"{host}-celery-worker"].popen.pid == pid
        for host, pid in workers_before.items()
    ) and all(services.worker_alive(hosts, host) for host in services.WORKER_HOSTS)
    report.add(
        "... workers reconnect without a restart, nothing lost",
        same_workers and took is not None and state.sent == len(ids) + len(later) and mail.missing == 0,
        f"same worker processes, answering worker_alive: {same_workers}; {len(ids)} due before the kill and"
        f" {len(later)} after the promotion: {state.sent} sent, {state.waiting} waiting, {state.other} failed;"
        f" e-mails: {mail}",
        waiting_for=WAITING_FOR_LEASES,
    )
    recovery(report, "the Redis failover", ids + later, promoted_at)
    procs["redis1-redis"] = services.start_redis(hosts, "redis1", replica_of=None)
    rejoined = _wait(lambda: services.redis_role("redis1") == "slave", 30)
    report.add(
        "... the old primary comes back as a replica",
        rejoined is not None,
        f"redis1 a replica {rejoined:.0f} s after its restart" if rejoined is not None else "not within 30 s",
    )


def pgbouncer_restarted(report: Report, hosts: Hosts, load: Load, procs: dict[str, Proc]) -> None:
    ids = portal_data.make_due_reminders(300)
    web_before = {key: proc.popen.pid for key, proc in procs.items() if "gunicorn" in key or "celery" in key}
    stopped_at = time.monotonic()
    hosts.stop(procs["db-pgbouncer"], signal.SIGTERM)  # immediate shutdown: connections dropped
    procs["db-pgbouncer"] = services.start_pgbouncer(hosts)
    restarted = time.monotonic()
    time.sleep(20)
    hits = load.between(stopped_at - 1, time.monotonic())
    failed = failures(hits)
    unclean = [hit for hit in failed if not hit.clean_503]
    window = max(hit.ended for hit in failed) - stopped_at if failed else 0.0
    recent = load.between(time.monotonic() - 8, time.monotonic() - 1)
    unchanged = all(procs[key].alive and procs[key].popen.pid == pid for key, pid in web_before.items())
    report.add(
        "PgBouncer restarted under load: requests fail cleanly (503 page, Retry-After) for a few seconds at most",
        not unclean and window <= 10,
        f"restart took {restarted - stopped_at:.1f} s; {len(hits)} requests: failed {describe(failed)};"
        f" failures over {window:.1f} s after the stop",
    )
    report.add(
        "... and recover without restarting anything",
        unchanged and bool(recent) and not failures(recent),
        f"web and worker processes unchanged: {unchanged}; the last {len(recent)} requests: failed"
        f" {describe(failures(recent))}",
    )
    recovery(report, "the PgBouncer restart", ids, restarted)


def _wait(condition: Callable[[], bool], timeout: float) -> float | None:
    began = time.monotonic()
    while time.monotonic() - began < timeout:
        try:
            if condition():
                return time.monotonic() - began
        except OSError:
            pass
        time.sleep(0.5)
    return None
