"""The start-up check of the encryption keys (docs/encryption.md).

A Django system check, so ``runserver``, ``migrate``, ``check --deploy`` and
every management command refuse to run, and ``verify_at_start`` for the
servers that run no checks (gunicorn's ``on_starting`` in
deploy/gunicorn.conf.py, the Celery worker): with keys that open none of
what is stored, the portal would otherwise start and fail at the first
clinical page (or, worse, a missing key would go unnoticed until a write
under a new one made two sets of data).

What it decrypts: the canary (portal.models.EncryptionCanary, written at
the first migrate); without one (a database emptied by the tests), one
stored value of each table with an encrypted column. A database that cannot
be reached, or is not migrated yet, is not this check's business (the 503
pages and /readyz are); nothing stored yet passes.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection, transaction

from portal import crypto


def undecryptable_tables() -> list[str]:
    """The tables whose sample value no configured key opens (empty: all is well)."""
    from portal.models import EncryptionCanary

    samples: list[tuple[str, str]] = []
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {connection.ops.quote_name(EncryptionCanary._meta.db_table)} LIMIT 1")  # noqa: S608
            row = cursor.fetchone()
            if row is not None:
                samples.append((EncryptionCanary._meta.db_table, row[0]))
            else:
                samples += _one_value_per_table(cursor)
    except DatabaseError:
        return []
    failed = []
    for table, token in samples:
        try:
            crypto.decrypt_bytes(token.encode("ascii"))
        except (crypto.UndecryptableValue, UnicodeEncodeError):
            failed.append(table)
    return failed


def _one_value_per_table(cursor: Any) -> list[tuple[str, str]]:
    found = []
    for model in apps.get_models():
        table = connection.ops.quote_name(model._meta.db_table)
        for column in crypto.encrypted_columns(model):
            quoted = connection.ops.quote_name(column)
            cursor.execute(f"SELECT {quoted} FROM {table} WHERE {quoted} <> '' LIMIT 1")  # noqa: S608
            row = cursor.fetchone()
            if row is not None:
                found.append((model._meta.db_table, row[0]))
                break
    return found


def _message(tables: list[str]) -> str:
    return (
        "No key in FIELD_ENCRYPTION_KEYS (or FIELD_ENCRYPTION_KEYS_FILE) opens what is stored in "
        + ", ".join(tables)
        + ": the key is wrong or missing. Put back the key these were written with (docs/encryption.md)."
    )


@checks.register("portal_encryption")
def encryption_keys_open_the_data(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    failed = undecryptable_tables()
    if not failed:
        return []
    return [checks.Error(_message(failed), id="portal.E101")]


def verify_at_start() -> None:
    """For a server that runs no system checks: ImproperlyConfigured if the keys open nothing stored."""
    failed = undecryptable_tables()
    if not connection.in_atomic_block:
        connection.close()  # gunicorn's master forks its workers next: none inherits this connection
    if failed:
        raise ImproperlyConfigured(_message(failed))
