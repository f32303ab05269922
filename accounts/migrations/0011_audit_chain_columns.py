"""The audit trail's hash chain, step 1: AuditEvent.sequence and row_hash
(null for now), the existing rows chained in (created_at, id) order
(accounts.audit_chain.chain_existing: batches of 5,000, memory constant);
the actor's key kept when a user is deleted (DO_NOTHING: the foreign key
refuses the deletion of a user with audit rows, nothing is set to null)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def chain_existing_rows(apps, schema_editor):
    from accounts.audit_chain import chain_existing

    chain_existing(apps.get_model("accounts", "AuditEvent"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_audit_action_record_exported"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="row_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
    ]
