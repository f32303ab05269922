"""exercises.demo: a few weeks of plausible exercise history for each active
demo couple, built through the services; running it twice changes nothing."""

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from exercises import selectors
from exercises.demo import demo_exercises_load
from exercises.models import Assignment, Comment, Response, ResponseState
from exercises.selectors import RitualCheck


@pytest.fixture
def loaded(couple, counselor):
    now = timezone.now()
    demo_exercises_load(couples=[couple], counselors=[counselor], now=now)
    return now


def snapshot():
    return {
        model._meta.label: sorted(model.objects.values_list(), key=repr)
        for model in apps.get_app_config("exercises").get_models()
    }


def test_each_couple_gets_one_off_and_recurring_exercises(loaded, couple):
    slugs = {a.template.slug: a.is_recurring for a in Assignment.objects.filter(couple=couple)}
    assert slugs == {
        "i-statements": False,
        "weekly-check-in": True,
        "rituals-of-connection": True,
        "active-listening": False,
    }


def test_there_are_reviewed_answers_with_a_comment_the_couple_sees(loaded, couple, partner):
    assert Response.objects.filter(reviewed_at__isnull=False).count() >= 4
    comments = selectors.comments_visible_to(partner)
    assert comments.count() == Comment.objects.count() >= 2


def test_one_exercise_is_overdue_and_one_answer_is_a_draft(loaded, partner, other_partner):
    home = selectors.partner_home(partner, now=loaded)
    assert [o.assignment.template.slug for o in home.overdue] == ["active-listening"]
    assert Response.objects.filter(state=ResponseState.DRAFT, author=other_partner).count() == 1


def test_the_ritual_has_confirmed_mismatched_and_skipped_periods(loaded, couple):
    ritual = Assignment.objects.get(couple=couple, template__slug="rituals-of-connection")
    checks = {check for _, check in selectors.ritual_summary(ritual, now=loaded).periods}
    assert {RitualCheck.CONFIRMED, RitualCheck.MISMATCH, RitualCheck.SKIPPED} <= checks


def test_history_is_in_the_past(loaded):
    submitted = Response.objects.filter(state=ResponseState.SUBMITTED)
    assert all(r.submitted_at < loaded for r in submitted)
    assert min(r.submitted_at for r in submitted) < loaded - timedelta(weeks=2)


def test_a_second_run_changes_nothing(loaded, couple, counselor):
    before = snapshot()
    demo_exercises_load(couples=[couple], counselors=[counselor], now=loaded + timedelta(minutes=5))
    assert snapshot() == before


def test_an_inactive_couple_gets_nothing(couple, counselor):
    couple.status = "paused"
    couple.save()
    demo_exercises_load(couples=[couple], counselors=[counselor], now=timezone.now())
    assert not Assignment.objects.exists()
