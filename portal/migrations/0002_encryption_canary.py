"""The encryption canary (portal.models.EncryptionCanary): its table, and its
one row encrypted under the newest key at the first migrate."""

from django.db import migrations, models

import portal.crypto

CANARY_TEXT = "portal encryption canary"


def write_canary(apps, schema_editor):
    canary = apps.get_model("portal", "EncryptionCanary")
    if not canary.objects.using(schema_editor.connection.alias).exists():
        canary.objects.using(schema_editor.connection.alias).create(value=CANARY_TEXT)


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_cache_table")]

    operations = [
        migrations.CreateModel(
            name="EncryptionCanary",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", portal.crypto.EncryptedTextField()),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={"verbose_name_plural": "encryption canaries"},
        ),
        migrations.RunPython(write_canary, migrations.RunPython.noop),
    ]
