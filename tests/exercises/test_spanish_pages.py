"""The exercise pages in Spanish: a partner and a counselor who read the
portal in Spanish see no English string of the catalogue on them; dates,
numbers, validation messages and schedules follow the language."""

from datetime import time, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from exercises import recurrence, services
from exercises.fields import clean_field_specs
from exercises.views.answers import answer_rows
from tests.spanish_text import english_on, english_sources


@pytest.fixture(scope="module")
def catalogue():
    return english_sources()


def in_spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def submitted(builtin, assign, occurrence_of, partner):
    """An "I" statements occurrence with Sam's submitted answer and a comment from Dana."""
    occurrence = occurrence_of(assign(builtin("i-statements")))
    answers = {"i_feel": "dolido", "when": "cambian los planes", "because": "me organizo", "would_like": "una llamada"}
    services.response_submit(occurrence=occurrence, user=partner, answers=answers)
    return occurrence


def test_a_spanish_partners_exercise_pages_show_no_english(partner, submitted, as_user, catalogue):
    client = as_user(in_spanish(partner))
    for path in ("/me/", "/exercises/done/", f"/exercises/occurrences/{submitted.pk}/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert english_on(response.content.decode(), *catalogue) == [], path


def test_a_spanish_counselors_exercise_pages_show_no_english(counselor, couple, submitted, builtin, as_user, catalogue):
    client = as_user(in_spanish(counselor))
    template = builtin("i-statements")
    paths = (
        f"/couples/{couple.pk}/exercises/",
        f"/exercises/occurrences/{submitted.pk}/",
        "/exercises/",
        f"/exercises/templates/{template.pk}/",
        "/exercises/templates/new/",
    )
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert english_on(response.content.decode(), *catalogue) == [], path


def test_the_due_date_is_written_the_spanish_way(partner, builtin, assign, occurrence_of, as_user):
    occurrence = occurrence_of(assign(builtin("i-statements")))
    html = as_user(in_spanish(partner)).get(f"/exercises/occurrences/{occurrence.pk}/").content.decode()
    with translation.override("es"):
        expected = date_format(timezone.localtime(occurrence.due_at), r"l j \d\e F, H:i")
    assert f">{expected}</time>" in html
    assert "Vence" in html


def test_an_answer_that_does_not_fit_is_explained_in_spanish(partner, builtin, assign, occurrence_of, as_user):
    occurrence = occurrence_of(assign(builtin("i-statements")))
    response = as_user(in_spanish(partner)).post(
        f"/exercises/occurrences/{occurrence.pk}/", {"intent": "submit_anyway", "answer-i_feel": ""}
    )
    assert response.status_code == 400
    assert "Esta pregunta necesita una respuesta." in response.content.decode()


def test_a_message_after_saving_is_in_spanish(partner, builtin, assign, occurrence_of, as_user):
    occurrence = occurrence_of(assign(builtin("i-statements")))
    client = as_user(in_spanish(partner))
    response = client.post(
        f"/exercises/occurrences/{occurrence.pk}/", {"intent": "draft", "answer-i_feel": "cansada"}, follow=True
    )
    assert "Su borrador está guardado." in response.content.decode()


def test_numbers_in_answers_follow_the_language():
    fields = clean_field_specs([{"key": "hours", "kind": "number", "label": "Horas"}])
    with translation.override("es"):
        assert answer_rows(fields, {"hours": 2.5})[0].value == "2,5"
    with translation.override("en"):
        assert answer_rows(fields, {"hours": 2.5})[0].value == "2.5"


def test_a_schedule_is_described_in_the_readers_language():
    rule = recurrence.build(freq=recurrence.WEEKLY, interval=2, weekdays=[0, 3], count=10)
    with translation.override("en"):
        assert recurrence.describe(rule) == "every 2 weeks on Mon, Thu, 10 times"
    with translation.override("es"):
        assert recurrence.describe(rule) == "cada 2 semanas los lun, jue, 10 veces"


def test_a_counselors_page_names_the_schedule_in_spanish(counselor, couple, builtin, assign, as_user):
    rule = recurrence.build(freq=recurrence.WEEKLY, weekdays=[6])
    assign(builtin("weekly-check-in"), due_on=None, rrule=rule, due_time=time(19, 0))
    html = as_user(in_spanish(counselor)).get(f"/couples/{couple.pk}/exercises/").content.decode()
    assert "Se repite cada semana los dom a las 19:00" in html


def test_the_english_page_is_unchanged(partner, builtin, assign, occurrence_of, as_user):
    occurrence = occurrence_of(assign(builtin("i-statements"), due_on=timezone.localdate() + timedelta(days=1)))
    html = as_user(partner).get(f"/exercises/occurrences/{occurrence.pk}/").content.decode()
    expected = date_format(timezone.localtime(occurrence.due_at), "l, F j, g:i A")
    assert "Due <time datetime=" in html and f">{expected}</time>" in html
