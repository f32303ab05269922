"""Install the intake packet's built-in questionnaires (exercises/builtin_intake.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from exercises.builtin import install_builtin_templates

    install_builtin_templates(apps.get_model("exercises", "ExerciseTemplate"))


class Migration(migrations.Migration):
    dependencies = [("exercises", "0002_install_builtin_templates")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
