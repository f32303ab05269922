"""A partner's pages: home, answering an occurrence, hints, reveal rules, comments."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent
from exercises import services
from exercises.models import Response, ResponseState, Visibility

I_STATEMENT = {
    "i_feel": "lonely",
    "when": "we spend the evening on our phones",
    "because": "evenings are our time",
    "would_like": "I would like one evening a week without phones",
}


def url(occurrence):
    return f"/exercises/occurrences/{occurrence.pk}/"


def post_answers(client, occurrence, answers, intent="submit"):
    data = {f"answer-{key}": value for key, value in answers.items()}
    return client.post(url(occurrence), {**data, "intent": intent})


@pytest.fixture
def i_statements(builtin, assign, occurrence_of):
    return occurrence_of(assign(builtin("i-statements")))


@pytest.fixture
def simple(make_template, assign, occurrence_of):
    """An occurrence of Dana's 'Feelings check' (feeling: text of at most 50; closeness: scale)."""
    return lambda **template_kwargs: occurrence_of(assign(make_template(**template_kwargs)))


# Home


def test_home_lists_an_occurrence_due_this_week(partner, i_statements, as_user):
    response = as_user(partner).get("/me/")
    assert [o.pk for o in response.context["exercises"].due_this_week] == [i_statements.pk]
    assert f'href="{url(i_statements)}"' in response.content.decode()


def test_home_lists_a_submitted_occurrence_as_done(partner, simple, as_user):
    occurrence = simple()
    services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "calm"})
    home = as_user(partner).get("/me/").context["exercises"]
    assert [o.pk for o in home.done] == [occurrence.pk]
    assert home.due_this_week == []


def test_home_says_when_an_early_submission_was_made_not_that_it_was_due(partner, simple, as_user):
    occurrence = simple()  # due tomorrow
    services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "calm"})
    html = as_user(partner).get("/me/").content.decode()
    today = timezone.localdate().strftime("%b %-d")
    assert f"Submitted on {today}" in html and "was due" not in html


def test_a_date_answer_reads_as_a_date():
    from exercises.views.answers import answer_rows

    rows = answer_rows([{"key": "when", "kind": "date", "label": "When"}], {"when": "2026-11-03"})
    assert rows[0].value == "Nov. 3, 2026"


def test_home_lists_an_overdue_occurrence(partner, simple, as_user):
    occurrence = simple()
    occurrence.due_at = timezone.now() - timedelta(hours=1)
    occurrence.save()
    assert [o.pk for o in as_user(partner).get("/me/").context["exercises"].overdue] == [occurrence.pk]


# The occurrence page


def test_occurrence_page_renders_instructions_as_html(partner, i_statements, as_user):
    page = as_user(partner).get(url(i_statements)).content.decode()
    assert "<strong>I feel</strong>" in page


def test_occurrence_page_builds_an_input_per_field_kind(partner, make_template, assign, occurrence_of, as_user):
    fields = [
        {"key": "t", "kind": "short_text", "label": "Text"},
        {"key": "lt", "kind": "long_text", "label": "Long"},
        {"key": "c", "kind": "single_choice", "label": "One", "choices": [{"value": "a", "label": "A"}]},
        {"key": "cl", "kind": "checklist", "label": "Many", "choices": [{"value": "x", "label": "X"}]},
        {"key": "s", "kind": "scale", "label": "Scale", "min_label": "Not at all", "max_label": "Completely"},
        {"key": "n", "kind": "number", "label": "Number", "min": 0, "max": 10},
        {"key": "d", "kind": "date", "label": "Date"},
        {"key": "yn", "kind": "yes_no", "label": "Yes or no"},
    ]
    occurrence = occurrence_of(assign(make_template(fields=fields)))
    page = as_user(partner).get(url(occurrence)).content.decode()
    assert 'type="text" name="answer-t"' in page
    assert '<textarea name="answer-lt"' in page
    assert 'type="radio" name="answer-c" value="a"' in page
    assert 'type="checkbox" name="answer-cl" value="x"' in page
    assert page.count('type="radio" name="answer-s"') == 5
    assert "1 = Not at all" in page and "5 = Completely" in page
    assert 'type="number" name="answer-n"' in page and 'max="10"' in page
    assert 'type="date" name="answer-d"' in page
    assert 'type="radio" name="answer-yn" value="yes"' in page


def test_submitting_saves_a_submitted_answer(partner, simple, as_user):
    occurrence = simple()
    response = post_answers(as_user(partner), occurrence, {"feeling": "calm", "closeness": "4"})
    assert response.status_code == 302
    saved = Response.objects.get(occurrence=occurrence, author=partner)
    assert (saved.state, saved.answers) == (ResponseState.SUBMITTED, {"feeling": "calm", "closeness": 4})


def test_saving_a_draft_keeps_it_unsubmitted(partner, simple, as_user):
    occurrence = simple()
    post_answers(as_user(partner), occurrence, {"feeling": "", "closeness": "2"}, intent="draft")
    saved = Response.objects.get(occurrence=occurrence, author=partner)
    assert (saved.state, saved.answers) == (ResponseState.DRAFT, {"closeness": 2})


def test_bad_input_rerenders_with_the_error_next_to_the_field_and_400(partner, simple, as_user):
    occurrence = simple()
    response = post_answers(as_user(partner), occurrence, {"feeling": "x" * 60, "closeness": "9"})
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"feeling", "closeness"}
    assert 'id="id_answer-feeling_error"' in response.content.decode()
    assert not Response.objects.filter(occurrence=occurrence).exists()


def test_a_missing_required_answer_is_a_400_naming_the_field(partner, simple, as_user):
    response = post_answers(as_user(partner), simple(), {"feeling": ""})
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["feeling"]


def test_blaming_words_show_a_hint_instead_of_submitting(partner, i_statements, as_user):
    response = post_answers(as_user(partner), i_statements, {**I_STATEMENT, "i_feel": "You never listen"})
    assert response.status_code == 200
    assert "“Always” and “never” sum a person up" in response.content.decode()
    assert 'value="submit_anyway"' in response.content.decode()
    assert not Response.objects.filter(occurrence=i_statements).exists()


def test_submit_anyway_submits_despite_the_hint(partner, i_statements, as_user):
    response = post_answers(
        as_user(partner), i_statements, {**I_STATEMENT, "i_feel": "You never listen"}, intent="submit_anyway"
    )
    assert response.status_code == 302
    assert Response.objects.get(occurrence=i_statements, author=partner).is_submitted


def test_a_saved_draft_shows_its_hints(partner, i_statements, as_user):
    client = as_user(partner)
    post_answers(client, i_statements, {"i_feel": "You always interrupt"}, intent="draft")
    assert "A gentle suggestion" in client.get(url(i_statements)).content.decode()


# Reveal rules


def test_after_both_answer_is_hidden_until_the_viewer_submits(partner, other_partner, i_statements, as_user):
    services.response_submit(occurrence=i_statements, user=other_partner, answers=I_STATEMENT)
    response = as_user(partner).get(url(i_statements))
    assert response.context["others"] == []
    assert "one evening a week without phones" not in response.content.decode()


def test_after_both_answer_shows_once_both_submitted(partner, other_partner, i_statements, as_user):
    services.response_submit(occurrence=i_statements, user=other_partner, answers=I_STATEMENT)
    services.response_submit(occurrence=i_statements, user=partner, answers={**I_STATEMENT, "i_feel": "sad"})
    response = as_user(partner).get(url(i_statements))
    assert "one evening a week without phones" in response.content.decode()


def test_partner_reading_the_other_answer_is_audited(partner, other_partner, i_statements, as_user):
    services.response_submit(occurrence=i_statements, user=other_partner, answers=I_STATEMENT)
    services.response_submit(occurrence=i_statements, user=partner, answers=I_STATEMENT)
    as_user(partner).get(url(i_statements))
    assert AuditEvent.objects.filter(actor=partner, action="response.viewed").count() == 1


def test_counselor_only_answer_is_never_shown_to_the_partner(partner, other_partner, simple, as_user):
    occurrence = simple(visibility=Visibility.COUNSELOR_ONLY)
    services.response_submit(occurrence=occurrence, user=other_partner, answers={"feeling": "secretive"})
    services.response_submit(occurrence=occurrence, user=partner, answers={"feeling": "open"})
    assert "secretive" not in as_user(partner).get(url(occurrence)).content.decode()


def test_the_couple_sees_the_counselors_comment(counselor, partner, simple, as_user):
    occurrence = simple()
    services.comment_add(counselor=counselor, occurrence=occurrence, body="Lovely work, both of you.")
    assert "Lovely work, both of you." in as_user(partner).get(url(occurrence)).content.decode()
