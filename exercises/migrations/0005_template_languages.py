"""Exercises in more than one language (exercises/translations.py): a
template's language and translations, an assignment's copy of them.

Then the built-ins get their Spanish (install_builtin_templates), and an
assignment of a built-in whose questions are still the built-in's current
ones gets a copy of their translation, as a new assignment would. Any other
assignment (a counselor's own template, or a built-in's older questions)
keeps reading its original text."""

from django.db import migrations, models


def install_translations(apps, schema_editor):
    from exercises.builtin import install_builtin_templates
    from exercises.translations import snapshot_for_assignment

    template_model = apps.get_model("exercises", "ExerciseTemplate")
    install_builtin_templates(template_model)
    assignment_model = apps.get_model("exercises", "Assignment")
    builtins = {template.pk: template for template in template_model.objects.filter(owner__isnull=True)}
    for assignment in assignment_model.objects.filter(template_id__in=builtins, translations={}).iterator():
        template = builtins[assignment.template_id]
        if assignment.fields == template.fields and template.translations:
            assignment.language = template.language
            assignment.translations = snapshot_for_assignment(template)
            assignment.save(update_fields=["language", "translations"])


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0004_encrypt_answers_and_comments"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="language",
            field=models.CharField(choices=[("en", "en"), ("es", "es")], default="en", max_length=8),
        ),
        migrations.AddField(
            model_name="assignment",
            name="translations",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="exercisetemplate",
            name="language",
            field=models.CharField(
                choices=[("en", "en"), ("es", "es")],
                default="en",
                help_text="The language its title, instructions and questions are written in.",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="exercisetemplate",
            name="translations",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="Its text in other languages, keyed by language; see exercises/translations.py.",
            ),
        ),
        # Reversing leaves the rows; removing the columns drops what was copied.
        migrations.RunPython(install_translations, migrations.RunPython.noop),
    ]
