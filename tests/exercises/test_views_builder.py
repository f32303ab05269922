"""The field builder: counselors build an exercise's questions in a form, one
block per question, with no JSON; the rows are checked by exercises.fields and
saved by the services, all or nothing."""

import pytest

from accounts.models import AuditEvent
from exercises.models import ExerciseTemplate

ABOUT = {
    "title": "Evening debrief",
    "summary": "Two minutes on the day.",
    "instructions": "Answer on your own.",
    "estimated_minutes": "5",
    "category": "communication",
    "completion_mode": "each_partner",
    "visibility": "after_both",
    "kind": "once",
}


def rows(*questions, initial=0):
    """Formset data for these questions (dicts of row inputs without the prefix)."""
    data = {"fields-TOTAL_FORMS": str(len(questions)), "fields-INITIAL_FORMS": str(initial)}
    for i, question in enumerate(questions):
        data.update({f"fields-{i}-{name}": value for name, value in question.items()})
    return data


def edit_url(template):
    return f"/exercises/templates/{template.pk}/edit/"


def test_the_edit_page_shows_one_block_per_question_and_blank_ones(counselor, make_template, as_user):
    template = make_template()
    response = as_user(counselor).get(edit_url(template))
    formset = response.context["formset"]
    assert [form.initial.get("key") for form in formset.forms] == ["feeling", "closeness", None, None]
    assert 'name="fields-0-label" value="I feel…"' in response.content.decode()
    assert "fields_json" not in response.content.decode()


def test_every_kind_is_built_from_the_form(counselor, make_template, as_user):
    template = make_template()
    data = {
        **ABOUT,
        **rows(
            {
                "label": "One word for today",
                "kind": "short_text",
                "required": "on",
                "max_length": "40",
                "blame_hints": "on",
            },
            {"label": "Tell me more", "kind": "long_text"},
            {"label": "Where did we eat?", "kind": "single_choice", "choices": "At home\nOut\n"},
            {"label": "What helped", "kind": "checklist", "choices": "A walk\nA hug\nQuiet", "min": "1", "max": "2"},
            {"label": "How close?", "kind": "scale", "min_label": "Far", "max_label": "Close"},
            {"label": "Minutes together", "kind": "number", "min": "0", "max": "600"},
            {"label": "Next date", "kind": "date", "key": "next_date"},
            {"label": "Did we laugh?", "kind": "yes_no"},
        ),
    }
    response = as_user(counselor).post(edit_url(template), data)
    assert response.status_code == 302, response.context and response.context["formset"].errors
    template.refresh_from_db()
    by_key = {field["key"]: field for field in template.fields}
    assert list(by_key) == [
        "one_word_for_today",
        "tell_me_more",
        "where_did_we_eat",
        "what_helped",
        "how_close",
        "minutes_together",
        "next_date",
        "did_we_laugh",
    ]
    assert by_key["one_word_for_today"]["max_length"] == 40 and by_key["one_word_for_today"]["blame_hints"] is True
    assert by_key["where_did_we_eat"]["choices"] == [
        {"value": "at_home", "label": "At home"},
        {"value": "out", "label": "Out"},
    ]
    assert (by_key["what_helped"]["min"], by_key["what_helped"]["max"]) == (1, 2)
    assert (by_key["how_close"]["min_label"], by_key["how_close"]["max_label"]) == ("Far", "Close")
    assert by_key["minutes_together"]["max"] == 600
    assert template.title == "Evening debrief"


def test_a_choice_keeps_its_value_when_the_question_is_saved_again(counselor, builtin, as_user):
    from exercises import services

    template = services.template_copy(template=builtin("rituals-of-connection"), counselor=counselor)
    client = as_user(counselor)
    initial = client.get(edit_url(template)).context["formset"].initial
    data = {**ABOUT, "kind": "practice", "visibility": "at_once", **rows(*initial, initial=len(initial))}
    data = {key: ("on" if value is True else value) for key, value in data.items() if value not in (None, False)}
    assert client.post(edit_url(template), data).status_code == 302
    template.refresh_from_db()
    assert template.fields[0]["choices"][0] == {
        "value": "morning_coffee",
        "label": "Coffee or tea together before the day begins",
    }


def test_rows_are_saved_in_the_chosen_order_and_removed_rows_dropped(counselor, make_template, as_user):
    template = make_template()
    data = {
        **ABOUT,
        **rows(
            {"label": "First", "kind": "short_text", "ORDER": "2"},
            {"label": "Second", "kind": "yes_no", "ORDER": "1"},
            {"label": "Gone", "kind": "short_text", "ORDER": "3", "DELETE": "on"},
            {"kind": "short_text"},  # a blank block, as the browser sends it, is ignored
        ),
    }
    assert as_user(counselor).post(edit_url(template), data).status_code == 302
    template.refresh_from_db()
    assert [field["label"] for field in template.fields] == ["Second", "First"]


def test_two_questions_with_the_same_label_get_different_keys(counselor, make_template, as_user):
    template = make_template()
    data = {**ABOUT, **rows({"label": "Why?", "kind": "short_text"}, {"label": "Why?", "kind": "long_text"})}
    assert as_user(counselor).post(edit_url(template), data).status_code == 302
    template.refresh_from_db()
    assert [field["key"] for field in template.fields] == ["why", "why_2"]


@pytest.mark.parametrize(
    ("question", "row_field"),
    [
        ({"label": "", "key": "orphan", "kind": "short_text"}, "label"),
        ({"label": "Pick one", "kind": "single_choice", "choices": ""}, "choices"),
        ({"label": "Long", "kind": "short_text", "max_length": "9999"}, "max_length"),
        ({"label": "How many", "kind": "number", "min": "10", "max": "1"}, "min"),
        ({"label": "Tick", "kind": "checklist", "choices": "a\nb", "max": "5"}, "max"),
        ({"label": "Keyed", "key": "9lives", "kind": "date"}, "key"),
    ],
)
def test_a_bad_question_is_a_400_on_its_input_and_nothing_is_saved(
    counselor, make_template, as_user, question, row_field
):
    template = make_template()
    before = list(template.fields)
    data = {**ABOUT, **rows({"label": "Fine", "kind": "short_text"}, question)}
    response = as_user(counselor).post(edit_url(template), data)
    assert response.status_code == 400
    assert row_field in response.context["formset"].forms[1].errors
    template.refresh_from_db()
    assert (template.fields, template.title) == (before, "Feelings check")


def test_a_key_used_twice_is_an_error_on_the_second_question(counselor, make_template, as_user):
    template = make_template()
    data = {
        **ABOUT,
        **rows({"label": "A", "key": "same", "kind": "yes_no"}, {"label": "B", "key": "same", "kind": "date"}),
    }
    response = as_user(counselor).post(edit_url(template), data)
    assert response.status_code == 400
    assert "key" in response.context["formset"].forms[1].errors


def test_an_exercise_with_no_questions_is_a_400(counselor, make_template, as_user):
    template = make_template()
    response = as_user(counselor).post(edit_url(template), {**ABOUT, **rows({"kind": "short_text"})})
    assert response.status_code == 400
    assert response.context["formset"].non_form_errors()


def test_a_service_error_is_shown_and_nothing_is_saved(counselor, make_template, as_user):
    template = make_template()
    data = {**ABOUT, "completion_mode": "joint", "visibility": "after_both", **rows({"label": "Q", "kind": "date"})}
    response = as_user(counselor).post(edit_url(template), data)
    assert response.status_code == 400
    assert "visibility" in response.context["form"].errors
    template.refresh_from_db()
    assert template.completion_mode == "each_partner"


def test_a_counselor_builds_a_new_exercise_from_scratch(counselor, as_user):
    data = {**ABOUT, **rows({"label": "What went well today?", "kind": "long_text", "required": "on"})}
    response = as_user(counselor).post("/exercises/templates/new/", data)
    template = ExerciseTemplate.objects.get(owner=counselor)
    assert response["Location"] == f"/exercises/templates/{template.pk}/"
    assert template.fields[0]["key"] == "what_went_well_today"
    assert AuditEvent.objects.filter(action="exercise_template.created", target_id=str(template.pk)).exists()


def test_clients_and_admins_get_404_from_the_builder(partner, practice_admin, as_user):
    for user in (partner, practice_admin):
        assert as_user(user).get("/exercises/templates/new/").status_code == 404


def test_the_builder_page_loads_its_script_from_this_site(counselor, as_user):
    html = as_user(counselor).get("/exercises/templates/new/").content.decode()
    assert '<script src="/static/js/field-builder.js" defer>' in html
    assert "fields-__prefix__-label" in html  # the pattern the script copies


def test_the_edit_page_names_a_questions_key_for_what_it_is(counselor, make_template, as_user):
    page = as_user(counselor).get(edit_url(make_template())).content.decode()

    assert 'for="id_fields-0-key">Short name (used in exports)' in page
    assert "Names this question's column in exports" in page
