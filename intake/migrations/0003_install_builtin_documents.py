"""Install the built-in documents as drafts (see intake/builtin.py).

sync_builtins calls the same function, so later edits of the drafts reach a
database without a new migration."""

from django.db import migrations


def install(apps, schema_editor):
    from intake.builtin import install_builtin_documents

    install_builtin_documents(apps.get_model("intake", "Document"), apps.get_model("intake", "DocumentVersion"))


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_immutability_triggers")]

    # Reversing leaves the rows: 0001's reversal drops the tables anyway.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
