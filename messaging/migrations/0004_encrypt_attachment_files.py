"""Attachments' files encrypted at rest (portal.crypto_storage,
docs/encryption.md): the field reads and writes through the encrypting
storage; the files already stored are rewritten encrypted (each under a new
name, its row updated, the plain file removed); backwards, plain again."""

from django.db import migrations, models

import messaging.models
import portal.crypto_storage
from portal.encryption_migrations import encrypt_files


class Migration(migrations.Migration):
    dependencies = [
        ("messaging", "0003_encrypt_message_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attachment",
            name="file",
            field=models.FileField(
                max_length=200,
                storage=portal.crypto_storage.encrypted_storage,
                upload_to=messaging.models.attachment_path,
            ),
        ),
        encrypt_files("messaging", "Attachment", "file"),
    ]
