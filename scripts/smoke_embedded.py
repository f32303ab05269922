"""Smoke test of the embedded defaults: the portal with no environment variables.

In a throw-away copy of the working tree (so db.sqlite3 and var/celery are
fresh and the developer's own are untouched), with none of the settings
variables set:

1. `manage.py migrate` builds the SQLite database;
2. the development server serves /accounts/login/ with the login form;
3. a Celery worker on the filesystem broker runs a `portal.ping` sent from
   another process (there is no result backend: the worker's log line
   "Task portal.ping[<id>] succeeded" is the proof).

Every process is stopped and the copy removed, whatever happens.
Run it with the project's Python: .venv/bin/python scripts/smoke_embedded.py
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Every variable portal/settings.py reads (env.str("NAME", ...), env.db("NAME", ...), ...):
# none may leak into the smoke test.
SETTINGS_VARIABLES = set(
    re.findall(r'env\.[a-z_]+\(\s*"([A-Z][A-Z0-9_]*)"', (ROOT / "config" / "settings.py").read_text())
)
# What running the portal may add beside manage.py (all gitignored).
RUNTIME_FILES = {"db.sqlite3", "db.sqlite3-journal", "var", "staticfiles", "__pycache__"}
IGNORED = {
    ".venv",
    ".git",
    "db.sqlite3",
    "var",
    "staticfiles",
    "test-artifacts",
    ".env",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "node_modules",
}


def say(message: str) -> None:
    print(f"[smoke] {message}", flush=True)


def copy_tree(dest: Path) -> None:
    """Copy what a fresh clone would hold, plus uncommitted (not ignored) files."""
    try:
        listed = (
            subprocess.run(
                ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607 (git from PATH)
                cwd=ROOT,
                capture_output=True,
                check=True,
                timeout=30,
            )
            .stdout.decode()
            .split("\0")
        )
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(*IGNORED), dirs_exist_ok=True)
        return
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file() and name.split("/")[0] not in IGNORED:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(what: str, check: Callable[[], bool], timeout: float, alive: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if alive is not None and alive.poll() is not None:
            raise SmokeFailure(f"{what}: the process exited with status {alive.returncode}")
        time.sleep(0.25)
    raise SmokeFailure(f"{what}: no success within {timeout:.0f} s")


class SmokeFailure(Exception):
    pass


class Smoke:
    def __init__(self, workdir: Path) -> None:
        self.dir = workdir
        drop = SETTINGS_VARIABLES | {"DJANGO_ALLOW_ASYNC_UNSAFE"}
        self.env = {k: v for k, v in os.environ.items() if k not in drop}
        self.env.update(DJANGO_SETTINGS_MODULE="config.settings", PYTHONUNBUFFERED="1")
        self.processes: list[subprocess.Popen] = []
        self.logs: dict[str, Path] = {}
        self.copied: set[str] = set()

    def run(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(  # noqa: S603 (our own Python and arguments)
            [sys.executable, *args], cwd=self.dir, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise SmokeFailure(f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self, name: str, *args: str) -> subprocess.Popen:
        log = self.dir / f"smoke-{name}.log"
        self.logs[name] = log
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 (our own Python and arguments)
                [sys.executable, *args],
                cwd=self.dir,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=15)
            with contextlib.suppress(ProcessLookupError):  # the worker's pool children too, if any outlived it
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def logs_names(self) -> list[str]:
        return [log.name for log in self.logs.values()]

    def dump_logs(self) -> None:
        for name, log in self.logs.items():
            text = log.read_text(errors="replace") if log.exists() else ""
            print(f"----- {name} log (last 60 lines) -----\n" + "\n".join(text.splitlines()[-60:]), file=sys.stderr)

    def check(self) -> None:
        t0 = time.monotonic()
        self.copied = {p.name for p in self.dir.iterdir()}
        say(f"working copy: {self.dir}")
        self.run("manage.py", "migrate", "--noinput")
        if not (self.dir / "db.sqlite3").exists():
            raise SmokeFailure("migrate did not create db.sqlite3: the default database is not SQLite")
        say(f"migrate on SQLite: ok ({time.monotonic() - t0:.1f} s)")

        port = free_port()
        web = self.start("runserver", "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload")
        url = f"http://127.0.0.1:{port}/accounts/login/"
        page: dict[str, object] = {}

        def login_page() -> bool:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    page.update(status=response.status, body=response.read().decode())
                return True
            except OSError:
                return False

        wait_for(f"GET {url}", login_page, timeout=60, alive=web)
        body = str(page["body"])
        if page["status"] != 200 or not all(s in body for s in ("<form", 'name="login"', 'name="password"')):
            raise SmokeFailure(f"GET {url}: status {page['status']}, no login form in the page")
        say(f"runserver serves the login form: ok ({time.monotonic() - t0:.1f} s)")

        worker = self.start(
            "celery",
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--hostname=smoke@%h",
        )
        worker_log = self.logs["celery"]
        wait_for("Celery worker start", lambda: " ready." in worker_log.read_text(errors="replace"), 90, worker)
        if not (self.dir / "var" / "celery" / "out").is_dir():
            raise SmokeFailure("var/celery/out is missing: the worker is not on the embedded filesystem broker")

        # Sent from another process, as the web server would.
        sent = self.run(
            "manage.py",
            "shell",
            "-c",
            "from config.celery import ping; print('TASK-ID', ping.apply_async().id)",
        )
        match = re.search(r"TASK-ID (\S+)", sent)
        if not match:
            raise SmokeFailure(f"could not send portal.ping: {sent}")
        done_line = re.compile(rf"Task portal\.ping\[{re.escape(match.group(1))}\] succeeded")
        wait_for(
            "portal.ping on the worker",
            lambda: bool(done_line.search(worker_log.read_text(errors="replace"))),
            60,
            worker,
        )
        say(f"worker ran portal.ping[{match.group(1)}]: ok ({time.monotonic() - t0:.1f} s)")

        # Runtime files belong under var/ (gitignored), not beside manage.py.
        stray = {p.name for p in self.dir.iterdir()} - self.copied - RUNTIME_FILES - set(self.logs_names())
        if stray:
            raise SmokeFailure(f"files written outside var/: {sorted(stray)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the working copy for inspection")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="portal-smoke-"))
    smoke = Smoke(workdir)
    try:
        copy_tree(workdir)
        smoke.check()
    except (SmokeFailure, subprocess.TimeoutExpired) as exc:
        print(f"[smoke] FAILED: {exc}", file=sys.stderr)
        smoke.stop_all()
        smoke.dump_logs()
        return 1
    finally:
        smoke.stop_all()
        if args.keep:
            say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    say("embedded defaults: all ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
