"""The "I" statement hints in Spanish: a Spanish writer's blaming phrases are
found (accents optional, any case) and answered in Spanish; "yo" sentences
are left alone; English detection stays as it was."""

import pytest
from django.utils import translation

from exercises.fields import clean_field_specs
from exercises.hints import blame_hints, hints_for_answers


def codes(text: str, language: str = "es") -> list[str]:
    return [hint.code for hint in blame_hints(text, language)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tú siempre llegas tarde", "always_never"),
        ("tu nunca me escuchas", "always_never"),
        ("TÚ NUNCA ESCUCHAS", "always_never"),
        ("Nunca me preguntas cómo estoy", "always_never"),
        ("Siempre me dejas sola con los niños", "always_never"),
        ("Todo lo haces a último momento", "always_never"),
        ("Me haces sentir invisible", "made_me_feel"),
        ("Es tu culpa que lleguemos tarde", "fault"),
        ("Por tu culpa perdimos el tren", "fault"),
        ("Deberías llamar cuando llegas tarde", "should"),
        ("Tienes que ayudar más en casa", "should"),
        ("Eres un egoísta", "label"),
        ("Eres una desconsiderada", "label"),
        ("eres tan egoista", "label"),
        ("¿Por qué no me ayudas?", "why_question"),
        ("Tú dejaste los platos otra vez.", "starts_with_you"),
        ("Ayer estaba cansada. Tu te fuiste temprano.", "starts_with_you"),
    ],
)
def test_a_spanish_blaming_pattern_gets_its_hint(text, code):
    assert code in codes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Yo me siento sola cuando cenamos frente a la tele porque extraño hablar contigo",
        "Yo me sentí dolida cuando cambiaron los planes porque los esperaba con ilusión",
        "Yo nunca me había sentido tan escuchada",
        "Lo que a mí me gustaría es caminar juntos los domingos",
        "Me siento triste porque no hablamos mucho esta semana",
        "Nunca más lo voy a dejar para el final",
        "Tu madre llamó ayer.",
        "",
    ],
)
def test_a_spanish_i_statement_gets_no_hint(text):
    assert blame_hints(text, "es") == []


def test_a_spanish_hint_quotes_the_words_as_written_and_answers_in_spanish():
    (hint,) = blame_hints("¡Tú nunca me escuchas!", "es")
    assert hint.phrase == "Tú nunca"
    assert "Pruebe" in hint.message and "yo me sentí" in hint.message


def test_accents_typed_as_combining_marks_are_matched_and_quoted_whole():
    (hint,) = blame_hints("Tu\u0301 siempre llegas tarde", "es")
    assert (hint.code, hint.phrase) == ("always_never", "Tú siempre")


def test_starting_with_tu_suggests_a_yo_sentence():
    (hint,) = blame_hints("Tú dejaste los platos.", "es")
    assert hint.code == "starts_with_you"
    assert "Yo me siento… cuando… porque…" in hint.message


def test_the_active_language_chooses_the_patterns():
    with translation.override("es"):
        assert [h.code for h in blame_hints("Nunca me escuchas")] == ["always_never"]
        assert blame_hints("You left the dishes again.") == []
    with translation.override("en"):
        assert blame_hints("Nunca me escuchas") == []


def test_an_english_sentence_is_still_flagged_in_english():
    with translation.override("en"):
        (hint,) = blame_hints("You never listen")
    assert (hint.code, hint.phrase) == ("always_never", "You never")
    assert hint.message.startswith("“Always” and “never”")


def test_hints_for_answers_follow_the_language():
    fields = clean_field_specs([{"key": "when", "kind": "short_text", "label": "Cuando…", "blame_hints": True}])
    assert list(hints_for_answers(fields, {"when": "tú nunca llamas"}, "es")) == ["when"]
    assert hints_for_answers(fields, {"when": "tú nunca llamas"}, "en") == {}


def test_the_live_endpoint_answers_in_the_partners_language(partner, as_user):
    partner.language = "es"
    partner.save(update_fields=["language"])
    hints = as_user(partner).post("/exercises/hints/", {"text": "Por tu culpa llegamos tarde"}).json()["hints"]
    assert [(h["code"], h["phrase"]) for h in hints] == [("fault", "Por tu culpa")]
    assert "Pruebe" in hints[0]["message"]


def test_the_answer_page_gives_the_script_its_words_in_spanish(partner, builtin, assign, occurrence_of, as_user):
    partner.language = "es"
    partner.save(update_fields=["language"])
    occurrence = occurrence_of(assign(builtin("i-statements")))
    html = as_user(partner).get(f"/exercises/occurrences/{occurrence.pk}/").content.decode()
    assert 'data-hint-title="Una sugerencia amable"' in html
    assert 'data-hint-about="sobre “{phrase}”:"' in html
