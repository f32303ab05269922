"""The template library: a counselor browses built-ins and their own,
copies a built-in, and writes or edits their own with the field builder."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.languages import active_language
from accounts.models import User
from exercises import selectors, services
from exercises.forms import TemplateEditForm, field_formset
from exercises.models import ExerciseTemplate
from exercises.translations import localized_text, translation_summaries
from exercises.views.scope import get_or_404
from portal import policy
from portal.errors import add_errors_to_form, error_dict
from portal.http import AuthenticatedHttpRequest


def _library_users_only(user: User) -> None:
    if not policy.uses_template_library(user):
        raise Http404


def template_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _library_users_only(request.user)
    templates = list(selectors.library_templates(request.user))
    context = {
        "builtins": [t for t in templates if t.is_builtin],
        "own": [t for t in templates if not t.is_builtin],
    }
    return render(request, "exercises/template_list.html", context)


def _template_for(user: User, template_id: Any) -> ExerciseTemplate:
    _library_users_only(user)
    template: ExerciseTemplate = get_or_404(selectors.templates_visible_to(user), template_id)
    return template


def template_detail(request: AuthenticatedHttpRequest, template_id: int) -> HttpResponse:
    user = request.user
    template = _template_for(user, template_id)
    can_edit = policy.can_edit_template(user, template)
    context = {
        "template": template,
        # Its text in the reader's language where it has a translation.
        "exercise": localized_text(template),
        "translations": translation_summaries(template) if can_edit else [],
        "can_edit": can_edit,
        "can_copy": policy.can_copy_template(user, template),
    }
    return render(request, "exercises/template_detail.html", context)


@require_POST
def template_copy(request: AuthenticatedHttpRequest, template_id: int) -> HttpResponse:
    user = request.user
    template = _template_for(user, template_id)
    copy = services.template_copy(template=template, counselor=user)
    messages.success(
        request, gettext("“%(title)s” is now one of your own exercises: edit it as you like.") % {"title": copy.title}
    )
    return redirect("template_edit", template_id=copy.pk)


def _save_template_form(
    request: AuthenticatedHttpRequest, template: ExerciseTemplate | None, initial: dict[str, Any]
) -> HttpResponse:
    """The template page and its field builder, for a new template or one's own.
    Nothing is saved unless the whole of it is valid: the row errors come from
    exercises.fields, the rest from the service."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    form = TemplateEditForm(data, initial=initial)
    formset = field_formset(data, template)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            try:
                if template is None:
                    # Written, most likely, in the language the counselor reads the portal in.
                    template = services.template_create(
                        owner=user, fields=formset.specs, language=active_language(), **form.changes()
                    )
                else:
                    services.template_update(template=template, actor=user, fields=formset.specs, **form.changes())
            except ValidationError as exc:
                errors = error_dict(exc)
                for message in errors.pop("fields", []):
                    formset.non_form_errors().append(message)
                add_errors_to_form(form, ValidationError(errors))
            else:
                messages.success(
                    request, gettext("The exercise is saved. Assignments already made keep their questions.")
                )
                return redirect("template_detail", template_id=template.pk)
    context = {"template": template, "form": form, "formset": formset}
    return render(request, "exercises/template_edit.html", context, status=status)


def template_edit(request: AuthenticatedHttpRequest, template_id: int) -> HttpResponse:
    user = request.user
    template = _template_for(user, template_id)
    if not policy.can_edit_template(user, template):
        raise Http404
    return _save_template_form(request, template, TemplateEditForm.initial_for(template))


def template_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new exercise of the counselor's own, built from scratch."""
    _library_users_only(request.user)
    initial = {"estimated_minutes": 15, "category": "other", "visibility": "after_both", "kind": "once"}
    return _save_template_form(request, None, initial)
