"""Where the keys that encrypt clinical content come from (docs/encryption.md).

Read by config/settings.py, before any app is loaded, so this module imports
nothing of Django's models. The keys are Fernet keys (32 random bytes,
URL-safe base64), newest first: new writes use the first, reads try each
(portal.crypto). They are never in the database:

- ``FIELD_ENCRYPTION_KEYS``: comma-separated keys in the environment;
- else ``FIELD_ENCRYPTION_KEYS_FILE``: a file of keys, one a line or
  comma-separated (blank lines and lines starting with # skipped);
- else, in development on loopback only, ``var/field-encryption-keys``,
  made at random on the first run (so ``scripts/demo.sh`` needs nothing);
- else the portal refuses to start.

A key that is not a Fernet key refuses the start too: a typo must not
reach the first write.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from cryptography.fernet import Fernet


class KeyConfigurationError(Exception):
    """The keys are missing or malformed (settings turn it into ImproperlyConfigured)."""


def parse_keys(text: str) -> list[str]:
    """The keys in ``text``: comma- or newline-separated, # comments and blanks skipped, each checked."""
    keys: list[str] = []
    for line in text.splitlines():
        if line.strip().startswith("#"):
            continue
        keys += [part.strip() for part in line.split(",") if part.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise KeyConfigurationError(
                f"Encryption key number {position} is not a Fernet key (32 bytes, URL-safe base64; make one "
                "with: python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())')."
            ) from None
    return keys


def development_key_file(path: Path) -> list[str]:
    """The keys of a development machine, made at random the first time.
    Written aside, then linked into place: the web server and the worker
    starting together both end up reading the one file that won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        draft.write_text(Fernet.generate_key().decode("ascii") + "\n")
        draft.chmod(0o600)
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return parse_keys(path.read_text())


def load_keys(*, from_env: str, key_file: str, development_file: Path | None) -> list[str]:
    """The keys, newest first (see the module's docstring for the order of
    the sources); ``development_file`` None outside development on loopback."""
    if from_env.strip():
        keys = parse_keys(from_env)
    elif key_file.strip():
        try:
            text = Path(key_file).read_text()
        except OSError as error:
            raise KeyConfigurationError(f"FIELD_ENCRYPTION_KEYS_FILE {key_file!r} cannot be read: {error}.") from None
        keys = parse_keys(text)
    elif development_file is not None:
        keys = development_key_file(development_file)
    else:
        raise KeyConfigurationError(
            "Set FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first) or FIELD_ENCRYPTION_KEYS_FILE. "
            "Only development on loopback (DEBUG=true, ALLOWED_HOSTS only loopback names) runs without them "
            "(a key is then kept in var/field-encryption-keys). See docs/encryption.md."
        )
    if not keys:
        raise KeyConfigurationError("No encryption key found in FIELD_ENCRYPTION_KEYS or FIELD_ENCRYPTION_KEYS_FILE.")
    return keys
