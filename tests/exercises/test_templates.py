"""Templates: counselors write their own and copy built-ins; nobody else does."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from exercises import services
from exercises.models import CompletionMode, Visibility
from tests.exercises.helpers import SIMPLE_FIELDS


def test_a_counselor_creates_a_template_with_normalised_fields(make_template, counselor):
    template = make_template()
    assert template.owner == counselor and not template.is_builtin
    assert template.slug == "feelings-check"
    assert template.fields[0]["help_text"] == ""  # defaults filled in
    assert AuditEvent.objects.filter(action="exercise_template.created", target_id=str(template.pk)).exists()


def test_a_second_template_with_the_same_title_gets_its_own_slug(make_template):
    make_template()
    assert make_template().slug == "feelings-check-2"


def test_malformed_fields_are_refused_and_nothing_is_saved(make_template, counselor):
    with pytest.raises(ValidationError) as caught:
        make_template(fields=[{"key": "x", "kind": "essay", "label": "X"}])
    assert "fields" in caught.value.message_dict
    assert not counselor.exercise_templates.exists()


def test_a_joint_template_must_be_shared_at_once(make_template):
    with pytest.raises(ValidationError) as caught:
        make_template(completion_mode=CompletionMode.JOINT, visibility=Visibility.AFTER_BOTH)
    assert "visibility" in caught.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["partner", "practice_admin"])
def test_only_counselors_create_templates(who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.template_create(owner=user, title="T", summary="s", instructions="i", fields=SIMPLE_FIELDS)


def test_a_counselor_updates_their_own_template(make_template, counselor):
    template = make_template()
    services.template_update(template=template, actor=counselor, title="  New title ", visibility=Visibility.AT_ONCE)
    template.refresh_from_db()
    assert (template.title, template.visibility, template.slug) == ("New title", Visibility.AT_ONCE, "feelings-check")


def test_a_counselor_cannot_update_another_counselors_template(make_template, other_counselor):
    with pytest.raises(PermissionDenied):
        services.template_update(template=make_template(), actor=other_counselor, title="Mine now")


def test_a_built_in_is_not_edited_in_place(builtin, counselor):
    with pytest.raises(PermissionDenied):
        services.template_update(template=builtin("i-statements"), actor=counselor, title="Changed")


def test_only_editable_attributes_can_be_updated(make_template, counselor, other_counselor):
    with pytest.raises(ValidationError):
        services.template_update(template=make_template(), actor=counselor, owner=other_counselor)


def test_copying_a_built_in_gives_an_editable_copy(builtin, counselor):
    original = builtin("i-statements")
    copy = services.template_copy(template=original, counselor=counselor)
    assert (copy.owner, copy.copied_from, copy.is_builtin) == (counselor, original, False)
    assert copy.fields == original.fields and copy.slug == "i-statements"
    services.template_update(template=copy, actor=counselor, title="My “I” statements")
    assert builtin("i-statements").title == "“I” statements"


def test_a_counselor_cannot_copy_another_counselors_template(make_template, other_counselor):
    with pytest.raises(PermissionDenied):
        services.template_copy(template=make_template(), counselor=other_counselor)
