"""Install the built-in measures (see progress/builtin.py); load_demo calls
the same function, so later edits reach a database without a new migration."""

from django.db import migrations


def install(apps, schema_editor):
    from progress.builtin import install_builtin_measures

    install_builtin_measures(apps.get_model("progress", "Measure"))


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
