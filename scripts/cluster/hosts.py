"""The cluster's hosts (scripts/cluster/hosts.txt, network namespaces made by
scripts/cluster_test.sh) and the processes the test starts on them.

Every process runs as ``ip netns exec pc-<host> ...`` in a session of its own
with its output in ``$CLUSTER_WORK/logs/<host>-<name>.log``. "Killing a
host" sends SIGKILL to every process in its namespace, as pulling its power
would; cutting its network takes its bridge port down, as pulling its cable
would."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
# Made and removed by scripts/cluster_test.sh.
WORK = Path(os.environ.get("CLUSTER_WORK", str(ROOT / "var" / "cluster")))
LOGS = WORK / "logs"
PG_BIN = Path(os.environ.get("CLUSTER_PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT_NETNS = os.environ.get("CLUSTER_ROOT_NETNS", "/proc/1/ns/net")


def _read_hosts() -> dict[str, str]:
    hosts: dict[str, str] = {}
    for line in (ROOT / "scripts" / "cluster" / "hosts.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, address = line.split()[:2]
            hosts[name] = address
    return hosts


ADDRESS = _read_hosts()


class ClusterError(Exception):
    """The cluster could not be built: the run stops."""


@dataclass
class Proc:
    host: str
    name: str
    popen: subprocess.Popen

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        path = LOGS / f"{self.host}-{self.name}.log"
        try:
            return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def netns(host: str) -> list[str]:
    return ["ip", "netns", "exec", f"pc-{host}"]


def as_user(user: str | None) -> list[str]:
    return ["runuser", "-u", user, "--"] if user else []


class Hosts:
    """Starts, stops and kills the processes of the cluster's hosts."""

    def __init__(self) -> None:
        LOGS.mkdir(parents=True, exist_ok=True)
        self.procs: list[Proc] = []

    def start(
        self, host: str, name: str, argv: list[str], *, env: dict[str, str] | None = None, user: str | None = None
    ) -> Proc:
        log = (LOGS / f"{host}-{name}.log").open("ab")
        popen = subprocess.Popen(  # noqa: S603 (our own commands)
            [*netns(host), *as_user(user), *argv],
            cwd=ROOT,
            env=env if env is not None else base_env(),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        proc = Proc(host, name, popen)
        self.procs.append(proc)
        return proc

    def run(
        self,
        host: str,
        argv: list[str],
        *,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: float = 120,
        name: str = "",
    ) -> str:
        """Run a command on a host to its end; its output, or ClusterError."""
        done = subprocess.run(  # noqa: S603 (our own commands)
            [*netns(host), *as_user(user), *argv],
            cwd=ROOT,
            env=env if env is not None else base_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if name:
            (LOGS / f"{host}-{name}.log").write_text(done.stdout + done.stderr)
        if done.returncode != 0:
            raise ClusterError(f"{host}: {' '.join(argv)[:200]} failed ({done.returncode}): {done.stderr[-2000:]}")
        return done.stdout

    def stop(self, proc: Proc, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.popen.pid, sig)
        try:
            proc.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.popen.pid, signal.SIGKILL)
            proc.popen.wait(10)

    def kill_host(self, host: str) -> int:
        """SIGKILL to every process in the host's namespace; how many there were."""
        pids = local("ip", "netns", "pids", f"pc-{host}").split()
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        for proc in self.procs:
            if proc.host == host:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.popen.wait(10)
        return len(pids)

    def cable(self, host: str, *, connected: bool) -> None:
        """The host's port on the bridge up or down (the bridge lives in the
        namespace scripts/cluster_test.sh ran in)."""
        local("nsenter", f"--net={ROOT_NETNS}", "ip", "link", "set", f"pcv-{host}", "up" if connected else "down")

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            if proc.alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for proc in reversed(self.procs):
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(max(deadline - time.monotonic(), 0.1))
            if proc.alive:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.popen.pid, signal.SIGKILL)


def local(*argv: str) -> str:
    """A command run here (on the client host) to its end; its output."""
    done = subprocess.run(  # noqa: S603 (our own commands)
        [shutil.which(argv[0]) or argv[0], *argv[1:]], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def base_env() -> dict[str, str]:
    """A process's environment before its role's files: nothing of this
    shell's but the basics, and no .env file read."""
    return {
        "PATH": f"{VENV_BIN}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(WORK / "home"),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "PORTAL_ENV_FILE": "/dev/null",
    }


def port_open(address: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((address, port)) == 0


def wait_until(what: str, condition: Callable[[], object], *, timeout: float, step: float = 0.2) -> float:
    """Seconds it took; ClusterError after ``timeout``."""
    began = time.monotonic()
    while not condition():
        if time.monotonic() - began > timeout:
            raise ClusterError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(step)
    return time.monotonic() - began


def wait_port(host: str, port: int, *, timeout: float = 30, proc: Proc | None = None) -> None:
    def listening() -> bool:
        if proc is not None and not proc.alive:
            raise ClusterError(f"{proc.host} {proc.name} exited:\n{proc.log_tail()}")
        return port_open(ADDRESS[host], port)

    wait_until(f"{host}:{port} to listen", listening, timeout=timeout)
