"""Install the built-in exercise library (see exercises/builtin.py).

load_demo calls the same function, so later edits to the library reach a
database without a new migration."""

from django.db import migrations


def install(apps, schema_editor):
    from exercises.builtin import install_builtin_templates

    install_builtin_templates(apps.get_model("exercises", "ExerciseTemplate"))


class Migration(migrations.Migration):
    dependencies = [("exercises", "0001_initial")]

    # Reversing leaves the rows: 0001's reversal drops the table anyway.
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
