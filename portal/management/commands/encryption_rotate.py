"""Re-encrypt everything stored under the newest key (docs/encryption.md).

    manage.py encryption_rotate [--batch-size 500]

Run it after putting a new key first in FIELD_ENCRYPTION_KEYS (the old ones
after it) and restarting the portal, which then writes under the new key and
still reads the old. It walks every table with an encrypted column (found
from the models, portal.crypto's fields) and every encrypted file
(portal.crypto_storage), in primary-key order, a batch at a time, each batch
its own transaction with its rows locked (FOR UPDATE on PostgreSQL), so the
portal keeps running: a write to a row waits for its batch, never is lost.
A value the newest key already opens is left alone, so the command is
resumable: run it again after an interruption and it goes through what is
left (what was done is only read). When it reports nothing left, the old
keys may be removed from FIELD_ENCRYPTION_KEYS.

A value no configured key opens stops the command, naming its table and
row: nothing is written over it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.files.storage import Storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, models, transaction

from portal import crypto
from portal.crypto_storage import EncryptedStorage, rotated_file


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value and file under the newest key (resumable, in batches)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per transaction (default 500).")

    def handle(self, *args: Any, batch_size: int, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size is at least 1.")
        total = 0
        for model in apps.get_models():
            columns = crypto.encrypted_columns(model)
            if columns:
                done, kept = self._rotate_columns(model, columns, batch_size)
                total += done
                self.stdout.write(
                    f"{model._meta.db_table}: {done} rows re-encrypted, {kept} already under the newest key"
                )
            for field in model._meta.concrete_fields:
                if isinstance(field, models.FileField) and isinstance(field.storage, EncryptedStorage):
                    done, kept = self._rotate_files(model, field, batch_size)
                    total += done
                    self.stdout.write(
                        f"{model._meta.db_table}.{field.column} files: {done} re-encrypted, "
                        f"{kept} already under the newest key"
                    )
        self.stdout.write(self.style.SUCCESS(f"Done: {total} re-encrypted; everything is under the newest key."))

    def _in_batches(
        self, model: type[models.Model], columns: list[str], batch_size: int, handle: Callable[[Any, list[Any]], None]
    ) -> None:
        """``handle(cursor, rows)`` for each batch of rows, locked, inside the batch's own transaction."""
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
        names = ", ".join(quote(column) for column in columns)
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        last: Any = None
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                after = "" if last is None else f" WHERE {pk} > %s"
                cursor.execute(
                    f"SELECT {pk}, {names} FROM {table}{after} ORDER BY {pk} LIMIT {batch_size}{lock}",  # noqa: S608
                    [] if last is None else [last],
                )
                rows = cursor.fetchall()
                if not rows:
                    return
                handle(cursor, rows)
            last = rows[-1][0]

    def _rotate_columns(self, model: type[models.Model], columns: list[str], batch_size: int) -> tuple[int, int]:
        quote = connection.ops.quote_name
        table, pk = quote(model._meta.db_table), quote(str(model._meta.pk.column))
        update = f"UPDATE {table} SET {', '.join(f'{quote(c)} = %s' for c in columns)} WHERE {pk} = %s"  # noqa: S608
        counts = {"done": 0, "kept": 0}

        def batch(cursor: Any, rows: list[Any]) -> None:
            changed = []
            for row in rows:
                values = list(row[1:])
                if all(not value or crypto.is_under_newest_key(value) for value in values):
                    counts["kept"] += 1
                    continue
                try:
                    changed.append([crypto.rotate(value) if value else value for value in values] + [row[0]])
                except crypto.UndecryptableValue:
                    raise CommandError(
                        f"No configured key opens {model._meta.db_table} row {row[0]}: put back the key it was "
                        "written with (nothing was written over it; what was done is kept)."
                    ) from None
            if changed:
                cursor.executemany(update, changed)
            counts["done"] += len(changed)

        self._in_batches(model, columns, batch_size, batch)
        return counts["done"], counts["kept"]

    def _rotate_files(self, model: type[models.Model], field: models.FileField, batch_size: int) -> tuple[int, int]:
        storage = field.storage
        assert isinstance(storage, EncryptedStorage)
        inner = storage.inner
        quote = connection.ops.quote_name
        table, pk, column = quote(model._meta.db_table), quote(str(model._meta.pk.column)), quote(str(field.column))
        counts = {"done": 0, "kept": 0}

        def batch(cursor: Any, rows: list[Any]) -> None:
            replaced: list[str] = []
            for row_id, name in rows:
                if not name or not inner.exists(name):
                    counts["kept"] += 1
                    continue
                with inner.open(name, "rb") as stored:
                    if crypto.file_is_under_newest_key(iter(stored.readline, b"")):
                        counts["kept"] += 1
                        continue
                with inner.open(name, "rb") as stored:
                    try:
                        new_name = inner.save(name, rotated_file(stored, name), max_length=field.max_length)
                    except crypto.UndecryptableValue:
                        raise CommandError(
                            f"No configured key opens the file of {model._meta.db_table} row {row_id}: "
                            "put back the key it was written with."
                        ) from None
                cursor.execute(f"UPDATE {table} SET {column} = %s WHERE {pk} = %s", [new_name, row_id])  # noqa: S608
                replaced.append(name)
            # The old files go once the batch's rows point at the new ones.
            transaction.on_commit(lambda: _delete_all(inner, replaced))
            counts["done"] += len(replaced)

        self._in_batches(model, [str(field.column)], batch_size, batch)
        return counts["done"], counts["kept"]


def _delete_all(storage: Storage, names: list[str]) -> None:
    for name in names:
        storage.delete(name)
