"""The audit trail's hash chain, step 2: the rows that code not yet
upgraded wrote since step 1 chained after them (the table locked against
writers first, until this migration commits); sequence and row_hash
required, sequence unique; on PostgreSQL triggers that refuse UPDATE and
DELETE of an audit row (whoever asks: the ORM, raw SQL, a cascade). TRUNCATE
is not refused (test databases are emptied with it). No trigger on SQLite.

From here on code that does not chain cannot write audit rows (sequence is
required): see docs/production.md, "Upgrading"."""

from django.db import migrations, models

FUNCTION = "accounts_auditevent_refuse_change"
TRIGGER = "accounts_auditevent_append_only"

CREATE = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit rows are never changed or deleted (% on % refused)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$;
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON accounts_auditevent
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

DROP = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON accounts_auditevent;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def chain_stragglers(apps, schema_editor):
    from accounts.audit_chain import chain_existing

    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("LOCK TABLE accounts_auditevent IN SHARE ROW EXCLUSIVE MODE")
    chain_existing(apps.get_model("accounts", "AuditEvent"), using=schema_editor.connection.alias)


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0011_audit_chain_columns"),
    ]

    operations = [
        migrations.RunPython(chain_stragglers, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="row_hash",
            field=models.CharField(editable=False, max_length=64),
        ),
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP)),
    ]
