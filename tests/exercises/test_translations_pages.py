"""The translation page's other half (which language an exercise's own text
is in), the library page's translation summary, and the data migration that
gives existing assignments of built-ins their Spanish."""

from __future__ import annotations

import importlib

from django.apps import apps

from exercises import services
from exercises.models import Assignment

MIGRATION = importlib.import_module("exercises.migrations.0005_template_languages")


def translation_url(template):
    return f"/exercises/templates/{template.pk}/translation/"


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


def test_a_counselor_marks_their_exercise_as_written_in_spanish(counselor, make_template, as_user):
    template = make_template(title="Revisión de sentimientos")
    response = as_user(counselor).post(translation_url(template), {"own-written_in": "es"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.language == "es"
    page = as_user(counselor).get(translation_url(template))
    assert page.context["form"]["language"].value() == "en"  # now translated into English


def test_marking_the_language_of_an_existing_translation_is_refused_on_the_field(counselor, make_template, as_user):
    template = make_template()
    services.template_set_translation(template=template, actor=counselor, language="es", text={"title": "Sentimientos"})
    response = as_user(counselor).post(translation_url(template), {"own-written_in": "es"})
    assert response.status_code == 400
    assert "remove it first" in response.context["written_in"].errors["written_in"][0]
    template.refresh_from_db()
    assert template.language == "en"


def test_a_spanish_speaking_counselors_new_exercise_is_written_in_spanish(counselor, as_user):
    client = as_user(speaks(counselor, "es"))
    data = {
        "title": "Revisión de sentimientos",
        "summary": "Nombre un sentimiento.",
        "instructions": "Escriba un sentimiento.",
        "estimated_minutes": "10",
        "category": "other",
        "completion_mode": "each_partner",
        "visibility": "after_both",
        "kind": "once",
        "fields-TOTAL_FORMS": "1",
        "fields-INITIAL_FORMS": "0",
        "fields-0-label": "Me siento…",
        "fields-0-kind": "short_text",
    }
    assert client.post("/exercises/templates/new/", data).status_code == 302
    template = counselor.exercise_templates.get()
    assert template.language == "es"


def test_the_library_page_says_what_a_translation_still_lacks(counselor, make_template, as_user):
    template = make_template()
    services.template_set_translation(template=template, actor=counselor, language="es", text={"title": "Sentimientos"})
    html = as_user(counselor).get(f"/exercises/templates/{template.pk}/").content.decode()
    assert "Edit the translation into Spanish" in html
    assert "4 pieces of text still in the original" in html  # summary, instructions, two labels


def test_the_translation_page_reads_in_spanish_for_a_spanish_speaking_counselor(counselor, make_template, as_user):
    template = make_template()
    html = as_user(speaks(counselor, "es")).get(translation_url(template)).content.decode()
    assert "Traduzca su ejercicio" in html


def test_the_migration_copies_the_spanish_to_an_assignment_of_a_builtins_current_questions(builtin, assign, counselor):
    assignment = assign(builtin("i-statements"))
    Assignment.objects.filter(pk=assignment.pk).update(translations={})
    MIGRATION.install_translations(apps, None)
    assignment.refresh_from_db()
    assert assignment.translations["es"]["fields"][0] == {"key": "i_feel", "label": "Me siento…"}


def test_the_migration_leaves_an_assignment_of_older_questions_in_its_original_text(builtin, assign):
    assignment = assign(builtin("i-statements"))
    older = [dict(field, label=field["label"] + " (older)") for field in assignment.fields]
    Assignment.objects.filter(pk=assignment.pk).update(translations={}, fields=older)
    MIGRATION.install_translations(apps, None)
    assignment.refresh_from_db()
    assert assignment.translations == {}
