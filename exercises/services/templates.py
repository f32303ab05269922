"""Exercise templates: a counselor writes their own, copies a built-in, and
changes what is theirs; a measure's template follows its measure."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext

from accounts.models import AuditAction, User
from accounts.services import audit_record
from exercises.fields import FieldSpec
from exercises.models import Category, CompletionMode, ExerciseTemplate, TemplateKind, Visibility
from exercises.translations import DEFAULT_LANGUAGE, clean_translations
from portal import policy
from portal.errors import require


def _unique_slug(owner: User | None, title: str, *, exclude_pk: int | None = None) -> str:
    base = slugify(title)[:100] or "exercise"
    same_owner = ExerciseTemplate.objects.filter(owner=owner, slug__startswith=base)
    if exclude_pk is not None:
        same_owner = same_owner.exclude(pk=exclude_pk)
    taken = set(same_owner.values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _save_template(template: ExerciseTemplate) -> ExerciseTemplate:
    # full_clean runs ExerciseTemplate.clean, which validates and normalises fields.
    template.full_clean()
    template.save()
    return template


@transaction.atomic
def template_create(
    *,
    owner: User,
    title: str,
    summary: str,
    instructions: str,
    fields: list[FieldSpec],
    estimated_minutes: int = 15,
    category: str = Category.OTHER,
    completion_mode: str = CompletionMode.EACH_PARTNER,
    visibility: str = Visibility.AFTER_BOTH,
    kind: str = TemplateKind.ONCE,
    language: str = DEFAULT_LANGUAGE,
    translations: dict[str, Any] | None = None,
) -> ExerciseTemplate:
    require(
        owner.is_active and policy.uses_template_library(owner), gettext("Only counselors write exercise templates.")
    )
    template = ExerciseTemplate(
        owner=owner,
        is_builtin=False,
        title=title.strip(),
        slug=_unique_slug(owner, title),
        summary=summary.strip(),
        instructions=instructions.strip(),
        fields=fields,
        estimated_minutes=estimated_minutes,
        category=category,
        completion_mode=completion_mode,
        visibility=visibility,
        kind=kind,
        language=language,
        translations=translations or {},
    )
    _save_template(template)
    audit_record(actor=owner, action=AuditAction.EXERCISE_TEMPLATE_CREATED, target=template)
    return template


TEMPLATE_EDITABLE = (
    "title",
    "summary",
    "instructions",
    "fields",
    "estimated_minutes",
    "category",
    "completion_mode",
    "visibility",
    "kind",
    "is_archived",
    "language",
    "translations",
)


@transaction.atomic
def template_update(*, template: ExerciseTemplate, actor: User, **changes: Any) -> ExerciseTemplate:
    """Change a counselor's own template: pass only what changes, among
    TEMPLATE_EDITABLE. Assignments already made keep their copy of the fields
    and visibility, so this never changes what a partner was promised."""
    require(
        policy.can_edit_template(actor, template),
        gettext("You can edit only your own templates; copy a built-in first."),
    )
    return _template_change(template, actor=actor, changes=changes)


@transaction.atomic
def template_follow_measure(*, template: ExerciseTemplate, actor: User, **changes: Any) -> ExerciseTemplate:
    """Put a measure's template back in step with its measure (progress
    calls this when the measure changed). Not editable in the library, so
    not through template_update; only its owner's own actions reach it."""
    require(
        policy.carries_a_measure(template) and template.owner_id == actor.pk,
        gettext("Only a measure's own template follows the measure."),
    )
    return _template_change(template, actor=actor, changes=changes)


def _template_change(template: ExerciseTemplate, *, actor: User, changes: dict[str, Any]) -> ExerciseTemplate:
    unknown = set(changes) - set(TEMPLATE_EDITABLE)
    if unknown:
        raise ValidationError(gettext("These cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    for name, value in changes.items():
        setattr(template, name, value.strip() if name in ("title", "summary", "instructions") else value)
    _save_template(template)
    audit_record(actor=actor, action=AuditAction.EXERCISE_TEMPLATE_UPDATED, target=template, changed=sorted(changes))
    return template


@transaction.atomic
def template_copy(*, template: ExerciseTemplate, counselor: User) -> ExerciseTemplate:
    """An editable copy, owned by the counselor, of a built-in (or their own)."""
    require(
        policy.can_copy_template(counselor, template), gettext("You can copy built-ins and your own templates only.")
    )
    copy = ExerciseTemplate(
        owner=counselor,
        is_builtin=False,
        copied_from=template,
        title=template.title,
        slug=_unique_slug(counselor, template.title),
        summary=template.summary,
        instructions=template.instructions,
        fields=template.fields,
        language=template.language,
        translations=template.translations,
        estimated_minutes=template.estimated_minutes,
        category=template.category,
        completion_mode=template.completion_mode,
        visibility=template.visibility,
        kind=template.kind,
    )
    _save_template(copy)
    audit_record(actor=counselor, action=AuditAction.EXERCISE_TEMPLATE_COPIED, target=copy, copied_from=template.pk)
    return copy


@transaction.atomic
def template_set_translation(
    *, template: ExerciseTemplate, actor: User, language: str, text: dict[str, Any]
) -> ExerciseTemplate:
    """Add, change or (with nothing in ``text``) remove the counselor's own
    template's translation into ``language``: its title, summary,
    instructions and questions' text (exercises/translations.py). Assignments
    already made keep the questions' text they were given."""
    require(
        policy.can_edit_template(actor, template),
        gettext("You can translate only your own templates; copy a built-in first."),
    )
    if language == template.language or not language:
        # Named here, on the language chosen, rather than as a whole-template error.
        clean_translations({language: {}}, language=template.language, fields=template.fields)
    others = {code: value for code, value in (template.translations or {}).items() if code != language}
    cleaned = clean_translations({language: text}, language=template.language, fields=template.fields)
    template.translations = {**others, **cleaned}
    _save_template(template)
    audit_record(
        actor=actor,
        action=AuditAction.EXERCISE_TEMPLATE_UPDATED,
        target=template,
        changed=[f"translations.{language}"],
    )
    return template
