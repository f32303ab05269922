"""An intake request's note (a prospective client's own words) encrypted at
rest (portal.crypto, docs/encryption.md): the stored notes become tokens
under the newest key, in batches; backwards, text again."""

from django.db import migrations

import portal.crypto
from portal.encryption_migrations import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0008_list_page_index_and_longest_appointment"),
        ("portal", "0002_encryption_canary"),
    ]

    operations = [
        migrations.AlterField(
            model_name="intakerequest",
            name="note",
            field=portal.crypto.EncryptedTextField(blank=True, max_length=2000),
        ),
        encrypt_columns("scheduling", "IntakeRequest", ["note"]),
    ]
