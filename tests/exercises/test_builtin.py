"""The built-in library: valid, installed by the migration, idempotent, our own words."""

from __future__ import annotations

import pytest

from exercises.builtin import BUILTIN_TEMPLATES, install_builtin_templates
from exercises.fields import FieldKind, clean_field_specs
from exercises.models import ExerciseTemplate, TemplateKind, Visibility
from tests.seed_text import copied_runs

SLUGS = [entry["slug"] for entry in BUILTIN_TEMPLATES]


def test_there_are_at_least_twelve_built_ins():
    assert len(BUILTIN_TEMPLATES) >= 12
    assert len(set(SLUGS)) == len(SLUGS)


@pytest.mark.parametrize("entry", BUILTIN_TEMPLATES, ids=SLUGS)
def test_every_built_in_has_valid_fields(entry):
    assert clean_field_specs(entry["fields"])


@pytest.mark.parametrize("entry", BUILTIN_TEMPLATES, ids=SLUGS)
def test_every_built_in_passes_the_model_checks(entry):
    values = {k: v for k, v in entry.items()}
    ExerciseTemplate(is_builtin=True, **values).full_clean(validate_constraints=False)


def test_the_library_uses_every_field_kind():
    kinds = {field["kind"] for entry in BUILTIN_TEMPLATES for field in entry["fields"]}
    assert kinds == set(FieldKind.values)


def test_the_migration_installed_every_built_in(db):
    installed = ExerciseTemplate.objects.filter(is_builtin=True, is_archived=False)
    assert sorted(installed.values_list("slug", flat=True)) == sorted(SLUGS)


def test_installing_again_changes_nothing(db):
    before = list(ExerciseTemplate.objects.order_by("pk").values())
    assert install_builtin_templates() == {"created": 0, "updated": 0, "archived": 0}
    assert list(ExerciseTemplate.objects.order_by("pk").values()) == before


def test_installing_restores_an_edited_built_in(db):
    ExerciseTemplate.objects.filter(slug="i-statements").update(title="Changed")
    assert install_builtin_templates()["updated"] == 1
    assert ExerciseTemplate.objects.get(slug="i-statements", owner=None).title == "“I” statements"


def test_a_built_in_dropped_from_the_list_is_archived_not_deleted(db):
    ExerciseTemplate.objects.create(
        slug="retired",
        title="Retired",
        summary="s",
        instructions="i",
        is_builtin=True,
        fields=[{"key": "a", "kind": "yes_no", "label": "A"}],
    )
    assert install_builtin_templates()["archived"] == 1
    assert ExerciseTemplate.objects.get(slug="retired").is_archived


def test_the_issue_s_shapes_hold(db):
    get = lambda slug: ExerciseTemplate.objects.get(slug=slug, owner=None)  # noqa: E731
    assert get("rituals-of-connection").kind == TemplateKind.PRACTICE
    assert get("what-blocks-closeness").visibility == Visibility.COUNSELOR_ONLY
    assert get("i-statements").visibility == Visibility.AFTER_BOTH
    assert all(field["blame_hints"] for field in get("i-statements").fields[:4])
    assert len(get("what-blocks-closeness").fields[0]["choices"]) == 12


def test_no_built_in_copies_a_run_of_six_words_from_the_seed_articles():
    texts = []
    for entry in BUILTIN_TEMPLATES:
        texts += [entry["title"], entry["summary"], entry["instructions"]]
        for field in entry["fields"]:
            texts += [field["label"], field.get("help_text", "")]
            texts += [choice["label"] for choice in field.get("choices", [])]
    assert copied_runs(texts) == []
