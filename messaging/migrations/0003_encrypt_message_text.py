"""Messages' text encrypted at rest (portal.crypto, docs/encryption.md): the
columns keep their type (text); the rows already stored become tokens under
the newest key, in batches; backwards, text again."""

from django.db import migrations

import portal.crypto
from portal.encryption_migrations import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0002_message_body_html"),
        ("portal", "0002_encryption_canary"),
    ]

    operations = [
        migrations.AlterField(
            model_name="message",
            name="body",
            field=portal.crypto.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="message",
            name="body_html",
            field=portal.crypto.EncryptedTextField(blank=True, default="", editable=False),
        ),
        migrations.AlterField(
            model_name="messagerevision",
            name="body",
            field=portal.crypto.EncryptedTextField(blank=True),
        ),
        encrypt_columns("messaging", "Message", ["body", "body_html"]),
        encrypt_columns("messaging", "MessageRevision", ["body"]),
    ]
