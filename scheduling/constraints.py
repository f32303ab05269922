"""Database constraints that only PostgreSQL can enforce.

The portal also runs on SQLite (the embedded default). An exclusion
constraint has no SQLite equivalent, so on other vendors this subclass emits
no DDL and skips model validation; the locked overlap check in
scheduling.services guards those databases instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models import Func


def _is_postgres(schema_editor: BaseDatabaseSchemaEditor | None) -> bool:
    return schema_editor is not None and schema_editor.connection.vendor == "postgresql"


class PostgresExclusionConstraint(ExclusionConstraint):
    """An ExclusionConstraint that is a no-op on databases other than PostgreSQL."""

    def constraint_sql(self, model: Any, schema_editor: BaseDatabaseSchemaEditor | None) -> Any:
        # SQLite's create_model/table remake drops falsy constraint SQL.
        return super().constraint_sql(model, schema_editor) if _is_postgres(schema_editor) else None

    def create_sql(self, model: Any, schema_editor: BaseDatabaseSchemaEditor | None) -> Any:
        return super().create_sql(model, schema_editor) if _is_postgres(schema_editor) else None

    def remove_sql(self, model: Any, schema_editor: BaseDatabaseSchemaEditor | None) -> Any:
        return super().remove_sql(model, schema_editor) if _is_postgres(schema_editor) else None

    def validate(self, model: Any, instance: Any, exclude: Any = None, using: str = DEFAULT_DB_ALIAS) -> None:
        # The && operator only exists on PostgreSQL.
        if connections[using].vendor == "postgresql":
            super().validate(model, instance, exclude=exclude, using=using)


class TsTzRange(Func):
    """tstzrange(start, end, bounds): a timestamptz range built from two columns."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class KeepBtreeGistExtension(BtreeGistExtension):
    """Create btree_gist on PostgreSQL (a no-op elsewhere), and keep it when unapplied.

    Django's CreateExtension drops the extension when migrated backwards,
    which fails on SQLite (no vendor check on the way back) and could pull
    the extension from under other apps' constraints on PostgreSQL.
    """

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        return None
