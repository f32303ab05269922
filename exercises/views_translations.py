"""A counselor translates their own exercise (its Spanish, or its English
when it is written in Spanish); the library page lists each translation and
what it still lacks. Built-ins come translated; a copy keeps their translation."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from exercises import selectors, services
from exercises.models import ExerciseTemplate
from exercises.translation_forms import TemplateTranslationForm, WrittenInForm
from exercises.translations import LANGUAGE_CODES, language_name
from exercises.views.scope import get_or_404
from portal import policy
from portal.errors import submit_form
from portal.http import AuthenticatedHttpRequest


def template_translation(request: AuthenticatedHttpRequest, template_id: int) -> HttpResponse:
    user = request.user
    if not policy.uses_template_library(user):
        raise Http404
    template: ExerciseTemplate = get_or_404(selectors.templates_visible_to(user), template_id)
    if not policy.can_edit_template(user, template):
        raise Http404
    if request.method == "POST" and "own-written_in" in request.POST:
        return _change_written_in(request, template)
    others = [code for code in LANGUAGE_CODES if code != template.language]
    language = request.POST.get("language") or request.GET.get("language") or (others[0] if others else "")
    form = TemplateTranslationForm(request.POST or None, template=template, language=language)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            saved = submit_form(
                form,
                lambda: services.template_set_translation(
                    template=template, actor=user, language=form.cleaned_data["language"], text=form.text()
                ),
            )
            if saved is not None:
                messages.success(
                    request,
                    gettext(
                        "The translation into %(language)s is saved. Assignments already made keep their questions."
                    )
                    % {"language": language_name(form.cleaned_data["language"])},
                )
                return redirect("template_detail", template_id=template.pk)
    return _page(request, template, form, WrittenInForm(template=template), status)


def _page(
    request: AuthenticatedHttpRequest,
    template: ExerciseTemplate,
    form: TemplateTranslationForm,
    written_in: WrittenInForm,
    status: int,
) -> HttpResponse:
    context = {"template": template, "form": form, "written_in": written_in}
    return render(request, "exercises/template_translation.html", context, status=status)


def _change_written_in(request: AuthenticatedHttpRequest, template: ExerciseTemplate) -> HttpResponse:
    """Say which language the exercise's own text is in (a Spanish original
    then takes an English translation)."""
    written_in = WrittenInForm(request.POST, template=template)
    if written_in.is_valid():
        language = written_in.cleaned_data["written_in"]
        if language != template.language and language in (template.translations or {}):
            written_in.add_error(
                "written_in",
                gettext(
                    "This exercise has a translation into %(language)s: remove it first "
                    "(leave all its boxes blank and save)."
                )
                % {"language": language_name(language)},
            )
            return _page(request, template, _translation_form(template), written_in, 400)
        changed = submit_form(
            written_in,
            lambda: services.template_update(template=template, actor=request.user, language=language),
        )
        if changed is not None:
            messages.success(
                request,
                gettext("This exercise is now marked as written in %(language)s.")
                % {"language": language_name(language)},
            )
            return redirect("template_translation", template_id=template.pk)
    template.refresh_from_db()
    return _page(request, template, _translation_form(template), written_in, 400)


def _translation_form(template: ExerciseTemplate) -> TemplateTranslationForm:
    others = [code for code in LANGUAGE_CODES if code != template.language]
    return TemplateTranslationForm(template=template, language=others[0] if others else "")
