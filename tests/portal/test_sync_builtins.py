"""`manage.py sync_builtins`: what an upgrade runs to bring the built-in
exercises and measures up to date on a production database."""

from io import StringIO

from django.core.management import call_command

from exercises.builtin import BUILTIN_TEMPLATES
from exercises.models import ExerciseTemplate
from progress.builtin import BUILTIN_MEASURES
from progress.models import Measure


def _sync() -> str:
    out = StringIO()
    call_command("sync_builtins", stdout=out)
    return out.getvalue()


def test_on_a_current_database_it_changes_nothing_and_says_so(db):
    assert _sync() == (
        "Built-in exercises: 0 created, 0 updated, 0 archived.\nBuilt-in measures: 0 created, 0 updated.\n"
        "Built-in document drafts: 0 created, 0 updated, 0 kept (edited or published by the practice).\n"
    )


def test_it_reinstalls_a_deleted_built_in_exercise(db):
    ExerciseTemplate.objects.filter(slug="i-statements", owner=None).delete()
    assert "Built-in exercises: 1 created" in _sync()
    assert ExerciseTemplate.objects.filter(slug="i-statements", owner=None, is_builtin=True).exists()


def test_it_restores_an_edited_built_in_measure(db):
    slug = BUILTIN_MEASURES[0]["slug"]
    Measure.objects.filter(slug=slug, owner=None).update(title="Changed by hand")
    assert "Built-in measures: 0 created, 1 updated." in _sync()
    assert Measure.objects.get(slug=slug, owner=None).title == BUILTIN_MEASURES[0]["title"]


def test_it_archives_a_built_in_no_longer_shipped_without_deleting_it(db):
    ExerciseTemplate.objects.create(
        slug="retired-exercise", title="Retired", owner=None, is_builtin=True, fields=BUILTIN_TEMPLATES[0]["fields"]
    )
    assert "1 archived" in _sync()
    assert ExerciseTemplate.objects.get(slug="retired-exercise").is_archived
