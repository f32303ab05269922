"""Answers (every version) and comments encrypted at rest (portal.crypto,
docs/encryption.md). The answers' columns become text (PostgreSQL casts the
jsonb to its JSON text) and every stored value a token under the newest key,
in batches; backwards, the tokens are decrypted before the columns become
jsonb again."""

from django.db import migrations

import portal.crypto
from portal.encryption_migrations import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0003_install_intake_questionnaires"),
        ("portal", "0002_encryption_canary"),
    ]

    operations = [
        migrations.AlterField(
            model_name="comment",
            name="body",
            field=portal.crypto.EncryptedTextField(max_length=4000),
        ),
        migrations.AlterField(
            model_name="response",
            name="answers",
            field=portal.crypto.EncryptedJSONField(default=dict),
        ),
        migrations.AlterField(
            model_name="responseversion",
            name="answers",
            field=portal.crypto.EncryptedJSONField(),
        ),
        encrypt_columns("exercises", "Comment", ["body"]),
        encrypt_columns("exercises", "Response", ["answers"]),
        encrypt_columns("exercises", "ResponseVersion", ["answers"]),
    ]
