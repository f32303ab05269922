"""Exercises in Spanish as well as English: each reader sees the exercise's
text in their own language, answers are shown exactly as written, and a
counselor translates their own exercise (exercises/translations.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from exercises import services
from exercises.builtin import BUILTIN_TEMPLATES, install_builtin_templates
from exercises.models import ExerciseTemplate
from exercises.translations import localized_text, missing_text
from tests.exercises.helpers import SIMPLE_FIELDS, errors_of
from tests.seed_text import copied_runs

SLUGS = [entry["slug"] for entry in BUILTIN_TEMPLATES]

SPANISH_FEELINGS = {
    "title": "Revisión de sentimientos",
    "instructions": "Escriba **un** sentimiento.",
    "fields": [
        {"key": "feeling", "label": "Me siento…"},
        {"key": "closeness", "label": "¿Qué tan cerca?", "min_label": "Lejos", "max_label": "Muy cerca"},
    ],
}


def page(occurrence):
    return f"/exercises/occurrences/{occurrence.pk}/"


def speaks(user, language):
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def i_statements(builtin, assign, occurrence_of):
    return occurrence_of(assign(builtin("i-statements")))


# A partner reads the built-ins in their own language


def test_a_spanish_speaking_partner_sees_a_builtin_in_spanish(partner, i_statements, as_user):
    response = as_user(speaks(partner, "es")).get(page(i_statements))
    html = response.content.decode()
    assert response.context["exercise"].title == "Frases en primera persona"
    assert "Frases en primera persona" in html
    assert "Piense en un momento reciente que le haya molestado." in html  # the instructions, as Markdown
    assert "<strong>Me siento</strong>" in html
    assert "Lo que me gustaría es…" in html  # a question's label
    assert "Think of one recent moment" not in html


def test_an_english_speaking_partner_sees_the_builtin_in_english(partner, i_statements, as_user):
    response = as_user(speaks(partner, "en")).get(page(i_statements))
    html = response.content.decode()
    assert "“I” statements" in html
    assert "What I would like is…" in html
    assert "Frases en primera persona" not in html


def test_a_spanish_partner_sees_spanish_choice_and_scale_labels(partner, builtin, assign, occurrence_of, as_user):
    occurrence = occurrence_of(assign(builtin("rituals-of-connection")))
    html = as_user(speaks(partner, "es")).get(page(occurrence)).content.decode()
    assert "Café o té juntos antes de empezar el día" in html
    assert "¿Se llevó a cabo esta vez?" in html


def test_the_partners_exercise_list_shows_the_spanish_title(partner, i_statements, as_user):
    html = as_user(speaks(partner, "es")).get("/me/").content.decode()
    assert "Frases en primera persona" in html


# The counselor reads the exercise in their language, the answers as written


def test_the_counselor_sees_english_text_and_both_answers_as_written(
    counselor, couple, partner, other_partner, i_statements, as_user
):
    speaks(partner, "es")
    services.response_submit(
        occurrence=i_statements,
        user=partner,
        answers={"i_feel": "sola", "when": "no hablamos", "because": "lo extraño", "would_like": "una cena"},
    )
    services.response_submit(
        occurrence=i_statements,
        user=other_partner,
        answers={"i_feel": "tired", "when": "we argue", "because": "I care", "would_like": "a walk"},
    )
    response = as_user(speaks(counselor, "en")).get(page(i_statements))
    html = response.content.decode()
    assert "“I” statements" in html
    assert "What I would like is…" in html
    assert "Lo que me gustaría es…" not in html
    assert "una cena" in html and "lo extraño" in html  # Sam's answer, untranslated
    assert "a walk" in html  # Riley's


def test_a_spanish_speaking_counselor_sees_the_spanish_text(counselor, i_statements, as_user):
    html = as_user(speaks(counselor, "es")).get(page(i_statements)).content.decode()
    assert "Frases en primera persona" in html


# A counselor translates their own exercise


def translation_form(template, **overrides):
    data = {
        "language": "es",
        "title": SPANISH_FEELINGS["title"],
        "summary": "",
        "instructions": SPANISH_FEELINGS["instructions"],
        "q-feeling-label": "Me siento…",
        "q-closeness-label": "¿Qué tan cerca?",
        "q-closeness-min_label": "Lejos",
        "q-closeness-max_label": "Muy cerca",
    }
    data.update(overrides)
    return data


def test_a_counselor_adds_a_spanish_translation_that_a_spanish_partner_then_reads(
    counselor, partner, make_template, assign, occurrence_of, as_user
):
    template = make_template()
    url = f"/exercises/templates/{template.pk}/translation/"
    assert as_user(counselor).get(url, {"language": "es"}).status_code == 200
    response = as_user(counselor).post(url, translation_form(template))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.translations["es"]["title"] == "Revisión de sentimientos"

    occurrence = occurrence_of(assign(template))
    html = as_user(speaks(partner, "es")).get(page(occurrence)).content.decode()
    assert "Revisión de sentimientos" in html
    assert "<strong>un</strong> sentimiento" in html
    assert "Me siento…" in html and "Muy cerca" in html


def test_translating_into_the_exercises_own_language_is_an_error_on_the_language(counselor, make_template, as_user):
    template = make_template()
    response = as_user(counselor).post(
        f"/exercises/templates/{template.pk}/translation/", translation_form(template, language="en")
    )
    assert response.status_code == 400
    assert "language" in response.context["form"].errors
    assert "written in English already" in response.context["form"].errors["language"][0]


def test_a_translation_naming_a_question_the_exercise_lacks_is_refused_naming_it(counselor, make_template):
    template = make_template()
    with pytest.raises(ValidationError) as refused:
        services.template_set_translation(
            template=template, actor=counselor, language="es", text={"fields": [{"key": "mood", "label": "Ánimo"}]}
        )
    assert "“mood”" in errors_of(refused.value)["translations"][0]


def test_a_choice_the_question_lacks_is_refused(counselor, make_template):
    template = make_template(
        fields=[
            {"key": "kept", "kind": "single_choice", "label": "Kept?", "choices": [{"value": "yes", "label": "Yes"}]}
        ]
    )
    with pytest.raises(ValidationError) as refused:
        services.template_set_translation(
            template=template,
            actor=counselor,
            language="es",
            text={"fields": [{"key": "kept", "choices": {"maybe": "Quizás"}}]},
        )
    assert "maybe" in errors_of(refused.value)["translations"][0]


def test_another_counselor_cannot_translate_dana_s_exercise(other_counselor, make_template, as_user):
    template = make_template()
    response = as_user(other_counselor).get(f"/exercises/templates/{template.pk}/translation/")
    assert response.status_code == 404


def test_a_built_in_is_not_translated_in_place(counselor, builtin, as_user):
    response = as_user(counselor).get(f"/exercises/templates/{builtin('i-statements').pk}/translation/")
    assert response.status_code == 404


# Snapshots: an assignment keeps the question text it was given


def test_an_assignment_keeps_the_translation_it_was_given(counselor, make_template, assign):
    template = make_template()
    services.template_set_translation(template=template, actor=counselor, language="es", text=SPANISH_FEELINGS)
    assignment = assign(template)
    services.template_set_translation(
        template=template, actor=counselor, language="es", text={"fields": [{"key": "feeling", "label": "Hoy siento…"}]}
    )
    assert localized_text(assignment, "es").fields[0]["label"] == "Me siento…"
    assert localized_text(template, "es").fields[0]["label"] == "Hoy siento…"


def test_a_question_left_untranslated_shows_its_original_text(counselor, make_template):
    template = make_template()
    services.template_set_translation(
        template=template, actor=counselor, language="es", text={"fields": [{"key": "feeling", "label": "Me siento…"}]}
    )
    spanish = localized_text(template, "es")
    assert [f["label"] for f in spanish.fields] == ["Me siento…", "How close?"]
    assert spanish.title == "Feelings check"


def test_a_copy_of_a_built_in_keeps_its_spanish(counselor, builtin):
    copy = services.template_copy(template=builtin("i-statements"), counselor=counselor)
    assert localized_text(copy, "es").title == "Frases en primera persona"


# The API


def test_the_api_gives_an_assignments_title_in_the_requesters_language(partner, i_statements, as_user):
    response = as_user(speaks(partner, "es")).get(f"/api/v1/occurrences/{i_statements.pk}/")
    assert response.status_code == 200
    assert response.json()["template_title"] == "Frases en primera persona"


def test_the_api_refuses_a_translation_for_a_question_the_template_lacks(counselor, make_template, as_user):
    template = make_template()
    response = as_user(counselor).patch(
        f"/api/v1/exercises/{template.pk}/",
        {"translations": {"es": {"fields": [{"key": "mood", "label": "Ánimo"}]}}},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "mood" in str(response.json()["translations"])


# The built-in library is complete in Spanish


@pytest.mark.parametrize("entry", BUILTIN_TEMPLATES, ids=SLUGS)
def test_every_built_in_has_a_complete_spanish_translation(entry, db):
    template = ExerciseTemplate.objects.get(slug=entry["slug"], owner__isnull=True)
    assert template.translations.get("es"), entry["slug"]
    assert missing_text(template, "es") == []


def test_installing_the_built_ins_again_changes_nothing(db):
    assert install_builtin_templates() == {"created": 0, "updated": 0, "archived": 0}


def test_installing_puts_back_a_changed_translation(db, builtin):
    template = builtin("i-statements")
    template.translations = {}
    template.save()
    assert install_builtin_templates()["updated"] == 1
    assert builtin("i-statements").translations["es"]["title"] == "Frases en primera persona"


def test_no_spanish_text_copies_a_run_of_six_words_from_the_seed_articles():
    texts: list[str] = []
    for entry in BUILTIN_TEMPLATES:
        spanish = entry["translations"]["es"]
        texts += [spanish["title"], spanish["summary"], spanish["instructions"]]
        for field in spanish["fields"]:
            texts += [field.get(name, "") for name in ("label", "help_text", "min_label", "max_label")]
            texts += list(field.get("choices", {}).values())
    assert copied_runs(texts) == []


def test_an_unknown_language_is_refused(counselor, make_template):
    template = make_template()
    with pytest.raises(ValidationError) as refused:
        services.template_update(template=template, actor=counselor, translations={"fr": {"title": "Sentiments"}})
    assert "language" in errors_of(refused.value)


def test_simple_fields_are_unchanged_by_localizing():
    template = ExerciseTemplate(title="T", summary="", instructions="", fields=SIMPLE_FIELDS, translations={})
    assert localized_text(template, "es").fields == SIMPLE_FIELDS
