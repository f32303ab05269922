"""The cluster's services, each started on its host with deploy/'s files:
PostgreSQL (a cluster of its own, initdb'd for this run) and PgBouncer on
db, Redis and Sentinel on redis1 and redis2, a third Sentinel on sentinel3,
the SMTP sink on mail, gunicorn on web1 and web2, HAProxy on lb, Celery
workers on worker1 and worker2, beat on beat. The migrate role runs from
the client host, as a release job would."""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import redis

from cluster.browser import Browser
from cluster.deploy_files import DEPLOY, SECRETS, render, role_command, role_env
from cluster.hosts import ADDRESS, PG_BIN, WORK, ClusterError, Hosts, Proc, local, wait_port, wait_until

SENTINEL_HOSTS = ("redis1", "redis2", "sentinel3")
MASTER_NAME = "portal"  # deploy/env/common.env's REDIS_SENTINEL_MASTER
WEB_HOSTS = ("web1", "web2")
WORKER_HOSTS = ("worker1", "worker2")


def _postgres_owned(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    shutil.chown(path, "postgres", "postgres")
    return path


def _psql(hosts: Hosts, sql: str, *, database: str = "postgres") -> str:
    return hosts.run(
        "db",
        [
            str(PG_BIN / "psql"),
            "-h",
            str(WORK / "db"),
            "-U",
            "postgres",
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-Atc",
            sql,
        ],
        user="postgres",
    )


def start_postgres(hosts: Hosts) -> Proc:
    """initdb, deploy/postgresql/portal.conf included, the portal's role and
    database. Durability is traded for speed here (fsync off): a test."""
    db_dir = _postgres_owned(WORK / "db")
    data = db_dir / "pgdata"
    hosts.run(
        "db",
        [
            str(PG_BIN / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-instructions",
        ],
        user="postgres",
        name="initdb",
    )
    conf = render("postgresql/portal.conf", db_dir / "portal.conf")
    shutil.chown(conf, "postgres", "postgres")
    with (data / "postgresql.conf").open("a") as postgresql_conf:
        postgresql_conf.write(f"\ninclude '{conf}'\n")
    with (data / "pg_hba.conf").open("a") as hba:
        hba.write("host portal portal 127.0.0.1/32 scram-sha-256\nhost portal portal 10.0.0.0/24 scram-sha-256\n")
    proc = hosts.start(
        "db",
        "postgres",
        [
            str(PG_BIN / "postgres"),
            "-D",
            str(data),
            "-c",
            f"unix_socket_directories={db_dir}",
            "-c",
            "fsync=off",
            "-c",
            "synchronous_commit=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "shared_buffers=128MB",
            "-c",
            "log_min_messages=warning",
        ],
        user="postgres",
    )
    wait_port("db", 5432, proc=proc)
    _psql(hosts, f"CREATE ROLE portal LOGIN PASSWORD '{SECRETS.db_password}'")
    _psql(hosts, "CREATE DATABASE portal OWNER portal")
    return proc


def start_pgbouncer(hosts: Hosts) -> Proc:
    db_dir = WORK / "db"
    (db_dir / "userlist.txt").write_text(f'"portal" "{SECRETS.db_password}"\n"pgbouncer" "{SECRETS.db_password}"\n')
    ini = render("pgbouncer.ini", db_dir / "pgbouncer.ini")
    for path in (ini, db_dir / "userlist.txt"):
        shutil.chown(path, "postgres", "postgres")
        path.chmod(0o600)
    proc = hosts.start("db", "pgbouncer", ["pgbouncer", str(ini)], user="postgres")
    wait_port("db", 6432, proc=proc)
    return proc


def start_redis(hosts: Hosts, host: str, *, replica_of: str | None) -> Proc:
    lines = {"bind ": f"bind {ADDRESS[host]} 127.0.0.1"}
    if replica_of:
        lines["# replicaof "] = f"replicaof {ADDRESS[replica_of]} 6379"
    conf = WORK / host / "redis.conf"
    if not conf.exists():  # a restarted Redis keeps the file Sentinel may have rewritten
        render("redis/redis.conf", conf, host_dir=host, lines=lines)
    proc = hosts.start(host, "redis", ["redis-server", str(conf)])
    wait_port(host, 6379, proc=proc)
    return proc


def start_sentinel(hosts: Hosts, host: str) -> Proc:
    conf = render(
        "redis/redis-sentinel.conf",
        WORK / host / "sentinel.conf",
        host_dir=host,
        lines={
            "bind ": f"bind {ADDRESS[host]} 127.0.0.1",
            "sentinel announce-ip ": f"sentinel announce-ip {ADDRESS[host]}",
        },
    )
    proc = hosts.start(host, "sentinel", ["redis-sentinel", str(conf)])
    wait_port(host, 26379, proc=proc)
    return proc


def sentinel_primary(host: str = "sentinel3") -> str:
    """The address the Sentinels give for the primary now ("" if none answers)."""
    sentinel = redis.Redis(ADDRESS[host], 26379, socket_timeout=2, decode_responses=True)
    try:
        answer = sentinel.sentinel_get_master_addr_by_name(MASTER_NAME)
    except redis.RedisError:
        return ""
    return str(answer[0]) if isinstance(answer, tuple | list) and answer else ""


def redis_role(host: str) -> str:
    """ "master", "slave" or "" (not answering)."""
    try:
        info = redis.Redis(ADDRESS[host], 6379, socket_timeout=2, decode_responses=True).info("replication")
        return str(info["role"])
    except redis.RedisError:
        return ""


def start_sink(hosts: Hosts) -> Proc:
    (WORK / "mail").mkdir(exist_ok=True)
    proc = hosts.start(
        "mail",
        "smtp-sink",
        ["python", "scripts/cluster/smtp_sink.py", ADDRESS["mail"], "25", str(WORK / "mail" / "message-ids.txt")],
    )
    wait_port("mail", 25, proc=proc)
    return proc


def on_its_host(host: str, command: str) -> list[str]:
    """``command`` (a role's, from deploy/env) in a shell on ``host``, with
    the host's own host name (Celery names its workers after it)."""
    return ["unshare", "--uts", "--", "sh", "-c", 'hostname "$0" && exec bash -c "$1"', host, command]


def release(hosts: Hosts) -> None:
    """What a release runs before the new code starts: the migrate role's
    command, the web role's collectstatic; then this test's seed data."""
    hosts.run(
        "client", on_its_host("client", role_command("migrate")), env=role_env("migrate"), timeout=300, name="migrate"
    )
    hosts.run(
        "client",
        ["python", "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=role_env("web"),
        timeout=300,
        name="collectstatic",
    )
    hosts.run("client", ["python", "manage.py", "load_demo"], env=role_env("migrate"), timeout=300, name="load-demo")


def start_web(hosts: Hosts, host: str) -> Proc:
    proc = hosts.start(host, "gunicorn", on_its_host(host, "exec " + role_command("web")), env=role_env("web"))
    wait_port(host, 8000, proc=proc, timeout=60)
    return proc


def web_answers(host: str, path: str) -> int:
    return Browser(ADDRESS[host], 8000, tls=False, timeout=5).get(path).status


def start_lb(hosts: Hosts) -> Proc:
    lb_dir = WORK / "lb"
    (lb_dir / "certs").mkdir(parents=True, exist_ok=True)
    (lb_dir / "errors").mkdir(exist_ok=True)
    # A self-signed certificate for this run.
    local(
        "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=portal.example.org",
        "-keyout", str(lb_dir / "key.pem"), "-out", str(lb_dir / "cert.pem"),
    )  # fmt: skip
    (lb_dir / "certs" / "portal.pem").write_text((lb_dir / "cert.pem").read_text() + (lb_dir / "key.pem").read_text())
    shutil.copy(DEPLOY / "haproxy" / "503.http", lb_dir / "errors" / "503.http")
    cfg = render("haproxy.cfg", lb_dir / "haproxy.cfg")
    hosts.run("lb", ["haproxy", "-c", "-q", "-f", str(cfg)], name="haproxy-check")
    proc = hosts.start("lb", "haproxy", ["haproxy", "-db", "-f", str(cfg)])
    wait_port("lb", 443, proc=proc)
    return proc


def haproxy_servers(backend: str = "portal_web") -> dict[str, str]:
    """Each web host's state in an HAProxy backend (UP, DOWN, ...), from its
    runtime API (a Unix socket: reachable from any network namespace)."""
    with socket.socket(socket.AF_UNIX) as api:
        api.settimeout(5)
        api.connect(str(WORK / "lb" / "admin.sock"))
        api.sendall(b"show stat\n")
        out = b""
        while chunk := api.recv(65536):
            out += chunk
    states: dict[str, str] = {}
    for line in out.decode().splitlines():
        fields = line.split(",")
        if len(fields) > 17 and fields[0] == backend and fields[1] in WEB_HOSTS:
            states[fields[1]] = fields[17]
    return states


def start_worker(hosts: Hosts, host: str) -> Proc:
    return hosts.start(
        host, "celery-worker", on_its_host(host, "exec " + role_command("worker")), env=role_env("worker")
    )


def worker_alive(hosts: Hosts, host: str) -> bool:
    """The worker role's health check (deploy/env/worker.env), on its host."""
    try:
        hosts.run(host, on_its_host(host, "python manage.py worker_alive"), env=role_env("worker"), timeout=60)
    except ClusterError:
        return False
    return True


def start_beat(hosts: Hosts) -> Proc:
    (WORK / "beat").mkdir(exist_ok=True)
    return hosts.start("beat", "celery-beat", on_its_host("beat", "exec " + role_command("beat")), env=role_env("beat"))


def wait_ready(host: str, path: str, timeout: float = 60) -> None:
    wait_until(f"{host} to answer {path}", lambda: web_answers(host, path) == 200, timeout=timeout, step=0.5)


def start_cluster(hosts: Hosts) -> dict[str, Proc]:
    """Everything, in dependency order; the processes by "<host>-<name>"."""
    began = time.monotonic()
    procs: dict[str, Proc] = {}
    procs["db-postgres"] = start_postgres(hosts)
    procs["db-pgbouncer"] = start_pgbouncer(hosts)
    procs["redis1-redis"] = start_redis(hosts, "redis1", replica_of=None)
    procs["redis2-redis"] = start_redis(hosts, "redis2", replica_of="redis1")
    for host in SENTINEL_HOSTS:
        procs[f"{host}-sentinel"] = start_sentinel(hosts, host)
    procs["mail-smtp-sink"] = start_sink(hosts)
    release(hosts)
    for host in WEB_HOSTS:
        procs[f"{host}-gunicorn"] = start_web(hosts, host)
    procs["lb-haproxy"] = start_lb(hosts)
    for host in WORKER_HOSTS:
        procs[f"{host}-celery-worker"] = start_worker(hosts, host)
    procs["beat-celery-beat"] = start_beat(hosts)
    print(f"  services up in {time.monotonic() - began:.0f} s", flush=True)
    return procs


def require_alive(procs: dict[str, Proc]) -> None:
    for key, proc in procs.items():
        if not proc.alive:
            raise ClusterError(f"{key} exited:\n{proc.log_tail()}")
