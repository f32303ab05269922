"""/exercises/hints/: the hints of exercises.hints as JSON, for the live hint
as a partner types; the rules stay in one place."""

from exercises.hints import blame_hints


def test_returns_the_same_hints_as_the_server_side_check(partner, as_user):
    text = "You never listen"
    response = as_user(partner).post("/exercises/hints/", {"text": text})
    assert response.status_code == 200
    assert [h["code"] for h in response.json()["hints"]] == [h.code for h in blame_hints(text)] == ["always_never"]


def test_a_kind_sentence_has_no_hints(partner, as_user):
    assert as_user(partner).get("/exercises/hints/", {"text": "I feel unheard when the TV stays on"}).json() == {
        "hints": []
    }


def test_login_is_required(client):
    response = client.get("/exercises/hints/", {"text": "You never listen"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_answer_is_not_cached(partner, as_user):
    assert "no-store" in as_user(partner).post("/exercises/hints/", {"text": "x"})["Cache-Control"]


def test_the_answer_page_marks_hint_fields_and_loads_the_script(partner, builtin, assign, occurrence_of, as_user):
    occurrence = occurrence_of(assign(builtin("i-statements")))
    html = as_user(partner).get(f"/exercises/occurrences/{occurrence.pk}/").content.decode()
    assert 'data-blame-hints="true"' in html
    assert 'id="id_answer-i_feel_livehint" aria-live="polite"' in html
    assert '<script src="/static/js/hints.js" defer>' in html
