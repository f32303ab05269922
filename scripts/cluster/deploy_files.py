"""deploy/'s files, as the cluster test uses them: the role environments
(deploy/env/common.env then the role's), each role's command (its
"# command:" line) and the service configurations with this run's paths,
secrets and, where a file serves several hosts, the host's address."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from cluster.hosts import ROOT, WORK, base_env

DEPLOY = ROOT / "deploy"
EXAMPLE_DB_PASSWORD = "change-me"  # the placeholder in deploy/env/*.env


class Secrets:
    """This run's secrets, in place of the examples' placeholders."""

    def __init__(self) -> None:
        self.db_password = secrets.token_hex(16)
        self.secret_key = secrets.token_urlsafe(50)
        self.field_encryption_key = Fernet.generate_key().decode()


SECRETS = Secrets()


def read_env_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def role_env(role: str, **extra: str) -> dict[str, str]:
    """The environment of a process of ``role``: common.env, then the role's
    file, with this run's secrets and paths; ``extra`` last."""
    env = {
        **base_env(),
        **read_env_file(DEPLOY / "env" / "common.env"),
        **read_env_file(DEPLOY / "env" / f"{role}.env"),
    }
    env["SECRET_KEY"] = SECRETS.secret_key
    env["FIELD_ENCRYPTION_KEYS"] = SECRETS.field_encryption_key
    env["DATABASE_URL"] = env["DATABASE_URL"].replace(f":{EXAMPLE_DB_PASSWORD}@", f":{SECRETS.db_password}@")
    env.update(extra)
    return env


def role_command(role: str) -> str:
    """The role's command, as its env file names it, with this run's paths."""
    text = (DEPLOY / "env" / f"{role}.env").read_text()
    found = re.search(r"^# command: (.+)$", text, flags=re.MULTILINE)
    if found is None:
        raise ValueError(f"deploy/env/{role}.env names no '# command:'")
    return with_paths(found.group(1))


# The examples' system paths, and where this run keeps them.
PATHS = {
    "/etc/haproxy/": "lb/",
    "/run/haproxy/": "lb/",
    "/etc/pgbouncer/": "db/",
    "/run/pgbouncer/": "db/",
    "/var/log/postgresql/": "db/",
    "/var/lib/portal/": "beat/",
}


def with_paths(text: str, *, host_dir: str = "") -> str:
    for system, ours in PATHS.items():
        text = text.replace(system, f"{WORK}/{ours}")
    if host_dir:
        text = text.replace("/var/lib/redis", f"{WORK}/{host_dir}").replace("/run/redis/", f"{WORK}/{host_dir}/")
    return text


def render(name: str, into: Path, *, host_dir: str = "", lines: dict[str, str] | None = None) -> Path:
    """deploy/<name> written to ``into`` with this run's paths; ``lines``
    replaces each line that starts with a key (e.g. a host's "bind") by
    its value."""
    text = with_paths((DEPLOY / name).read_text(), host_dir=host_dir)
    for start, replacement in (lines or {}).items():
        text, count = re.subn(rf"^{re.escape(start)}.*$", replacement, text, flags=re.MULTILINE)
        if count == 0:
            raise ValueError(f"deploy/{name} has no line starting with {start!r}")
    into.parent.mkdir(parents=True, exist_ok=True)
    into.write_text(text)
    return into
