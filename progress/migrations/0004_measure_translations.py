"""A measure's text in other languages (Measure.translations), and the
built-in measures given their Spanish (progress/builtin.py)."""

from django.db import migrations, models


def install(apps, schema_editor):
    from progress.builtin import install_builtin_measures

    install_builtin_measures(apps.get_model("progress", "Measure"))


class Migration(migrations.Migration):
    dependencies = [("progress", "0003_dashboard_score_indexes")]

    operations = [
        migrations.AddField(
            model_name="measure",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text='The text in other languages: {"es": {"title", "summary", "items": {key: text}, '
                '"scale_labels": [5 labels], "bands": {label: label}}}; whatever is missing reads in English.',
            ),
        ),
        migrations.RunPython(install, migrations.RunPython.noop),
    ]
