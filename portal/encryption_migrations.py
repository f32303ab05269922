"""The data step of a migration that starts encrypting a column (docs/encryption.md).

``encrypt_columns("messaging", "Message", ["body"])`` is a RunPython that
turns every stored value of those columns into a token under the newest key,
a thousand rows at a time by primary key; backwards it turns the tokens
back into text. It reads and writes with plain SQL (the historical model's
fields would decrypt what is not yet encrypted). The empty string and NULL
stay as they are, as the fields store them.

A JSON column is first made a text column by the migration's AlterField
(PostgreSQL casts jsonb to its JSON text), then encrypted as that text;
backwards the text is decrypted before the column becomes jsonb again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files import File
from django.db import migrations

from portal import crypto

BATCH = 1000


def _convert(
    apps: Any, schema_editor: Any, *, app_label: str, model_name: str, columns: list[str], change: Callable[[str], str]
) -> None:
    model = apps.get_model(app_label, model_name)
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    names = [quote(column) for column in columns]
    select = f"SELECT {pk}, {', '.join(names)} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT {BATCH}"  # noqa: S608
    update = f"UPDATE {table} SET {', '.join(f'{name} = %s' for name in names)} WHERE {pk} = %s"  # noqa: S608
    last: Any = None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN({pk}) FROM {table}")  # noqa: S608
        first = cursor.fetchone()[0]
        if first is None:
            return
        last = first - 1 if isinstance(first, int) else ""
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return
            changed = [[change(value) if value else value for value in row[1:]] + [row[0]] for row in rows]
            cursor.executemany(update, changed)
            last = rows[-1][0]


def encrypt_columns(app_label: str, model_name: str, columns: list[str]) -> migrations.RunPython:
    """The reversible RunPython that encrypts (backwards: decrypts) ``columns`` of the model in place."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        _convert(
            apps, schema_editor, app_label=app_label, model_name=model_name, columns=columns, change=crypto.encrypt
        )

    def backwards(apps: Any, schema_editor: Any) -> None:
        _convert(
            apps, schema_editor, app_label=app_label, model_name=model_name, columns=columns, change=crypto.decrypt
        )

    return migrations.RunPython(forwards, backwards, elidable=False)


def _convert_files(
    apps: Any, schema_editor: Any, *, app_label: str, model_name: str, column: str, encrypting: bool
) -> None:
    """Each stored file of the column rewritten under a new name (encrypted, or
    back to plain bytes), its row pointed at it, the old file removed. A file
    missing from storage is left as it is (the download answers 404)."""
    from django.core.files.storage import default_storage

    from portal.crypto_storage import decrypting_stream, encrypting_file

    model = apps.get_model(app_label, model_name)
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    table, pk, name_column = quote(model._meta.db_table), quote(model._meta.pk.column), quote(column)
    last = 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {pk}, {name_column} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT {BATCH}",  # noqa: S608
                [last],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            for row_id, name in rows:
                if name and default_storage.exists(name):
                    with default_storage.open(name, "rb") as stored:
                        if encrypting:
                            new_name = default_storage.save(name, encrypting_file(stored, name), max_length=200)
                        else:
                            new_name = default_storage.save(
                                name, File(decrypting_stream(stored), name=name), max_length=200
                            )
                    cursor.execute(f"UPDATE {table} SET {name_column} = %s WHERE {pk} = %s", [new_name, row_id])  # noqa: S608
                    default_storage.delete(name)
            last = rows[-1][0]


def encrypt_files(app_label: str, model_name: str, column: str) -> migrations.RunPython:
    """The reversible RunPython that encrypts (backwards: decrypts) the stored files named by ``column``."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        _convert_files(apps, schema_editor, app_label=app_label, model_name=model_name, column=column, encrypting=True)

    def backwards(apps: Any, schema_editor: Any) -> None:
        _convert_files(apps, schema_editor, app_label=app_label, model_name=model_name, column=column, encrypting=False)

    return migrations.RunPython(forwards, backwards, elidable=False)
