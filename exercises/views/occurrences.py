"""An occurrence's page: a partner answers it (draft, hints, submit), a
counselor reads the answers, reviews them and comments."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import User
from exercises import selectors, services
from exercises.fields import answers_from_form, clean_answers
from exercises.forms import AnswerForm, CommentForm
from exercises.hints import Hint, hints_for_answers
from exercises.models import Assignment, Occurrence, Response, TemplateKind, Visibility
from exercises.translations import localized_text
from exercises.views.answers import answer_rows, earlier_versions, shown
from exercises.views.scope import get_or_404
from portal import policy
from portal.errors import submit_form
from portal.http import AuthenticatedHttpRequest

ANSWERING_IS_FOR_PARTNERS = _("Only the partners answer their exercises; you can read, review and comment on them.")


def _occurrence_for(user: User, occurrence_id: Any) -> Occurrence:
    """The occurrence if it belongs to the viewer's couple or caseload, else 404."""
    occurrence: Occurrence = get_or_404(selectors.occurrences_with_counselors(user), occurrence_id)
    return occurrence


def _assigners_only(user: User) -> None:
    if not policy.can_assign_exercises(user):
        raise Http404


def occurrence_detail(request: AuthenticatedHttpRequest, occurrence_id: int) -> HttpResponse:
    occurrence = _occurrence_for(request.user, occurrence_id)
    if policy.can_assign_exercises(request.user):
        if request.method == "POST":
            # The occurrence is theirs to read, not to answer: say so rather
            # than show the page again as if something had been done.
            raise PermissionDenied(ANSWERING_IS_FOR_PARTNERS)
        return _counselor_review(request, occurrence)
    return _partner_answer(request, occurrence)


def _partner_answer(request: AuthenticatedHttpRequest, occurrence: Occurrence) -> HttpResponse:
    user = request.user
    assignment = occurrence.assignment
    fields = assignment.fields
    # The exercise's text in the partner's language; the answers as written.
    exercise = localized_text(assignment)
    shown_fields = exercise.fields
    responses = list(selectors.occurrence_responses(user, occurrence, with_versions=True))
    own = next((r for r in responses if r.author_id in (None, user.pk)), None)
    others = [r for r in responses if r is not own]
    can_answer = policy.can_respond(user, assignment) and not (own and own.is_reviewed)

    form = AnswerForm(request.POST or None, field_specs=shown_fields, answers=own.answers if own else None)
    hints: dict[str, list[Hint]] = hints_for_answers(fields, own.answers) if own and not own.is_submitted else {}
    confirm_submit = False
    status = 200
    if request.method == "POST":
        if not can_answer:
            raise Http404  # nothing to post to: ended, paused or already reviewed
        form.is_valid()
        answers = answers_from_form(fields, form.raw_answers())
        intent = request.POST.get("intent", "")
        hints = hints_for_answers(fields, answers)
        if intent == "submit" and hints:
            # Advice before a first submit: show the hints and a "Submit
            # anyway"; report invalid answers now too, not one round later.
            confirm_submit = submit_form(form, lambda: clean_answers(fields, answers)) is not None
            status = 200 if confirm_submit else 400
        elif intent in ("submit", "submit_anyway"):
            submitted = submit_form(
                form, lambda: services.response_submit(occurrence=occurrence, user=user, answers=answers)
            )
            if submitted is not None:
                messages.success(request, gettext("Your answer is submitted. Thank you."))
                return redirect("occurrence_detail", occurrence_id=occurrence.pk)
            status = 400
        else:
            saved = submit_form(
                form, lambda: services.response_save_draft(occurrence=occurrence, user=user, answers=answers)
            )
            if saved is not None:
                messages.success(request, gettext("Your draft is saved. Only you can see it until you submit."))
                return redirect("occurrence_detail", occurrence_id=occurrence.pk)
            status = 400

    services.responses_record_access(viewer=user, responses=others)
    ritual, ritual_shared = _partner_ritual(user, assignment)
    context = {
        "ritual": ritual,
        "ritual_private": assignment.template.kind == TemplateKind.PRACTICE and not ritual_shared,
        "occurrence": occurrence,
        "assignment": assignment,
        "template": assignment.template,
        "exercise": exercise,
        "form": form,
        "hints": hints,
        "confirm_submit": confirm_submit,
        "can_answer": can_answer,
        "own": own,
        "own_rows": answer_rows(shown_fields, own.answers) if own else [],
        # The author sees their earlier versions; the other partner sees only the current one.
        "own_earlier": earlier_versions(own, shown_fields, True) if own else [],
        "others": shown(others, shown_fields),
        "waiting_for_partner": _waiting_for_partner(assignment, own, others),
        "comments": selectors.occurrence_comments(user, occurrence),
    }
    return render(request, "exercises/occurrence_partner.html", context, status=status)


def _partner_ritual(user: User, assignment: Assignment) -> tuple[selectors.RitualSummary | None, bool]:
    """A practice's log as this partner may see it, and whether it includes
    the other partner's logs (not for "counselor only" or a high-conflict couple)."""
    if assignment.template.kind != TemplateKind.PRACTICE:
        return None, False
    shared = assignment.is_joint or (
        assignment.visibility != Visibility.COUNSELOR_ONLY and not policy.is_high_conflict(assignment.couple)
    )
    if not shared:
        return None, False
    summary = selectors.ritual_summary(assignment, now=timezone.now(), viewer=user)
    if not assignment.is_joint:
        services.rituals_record_access(viewer=user, assignments=[assignment])
    return summary, True


def _waiting_for_partner(assignment: Assignment, own: Response | None, others: list[Response]) -> str:
    """Why the partner's answer is not shown, in a sentence (empty if it is, or never will be)."""
    if assignment.is_joint or others or assignment.visibility == "counselor_only":
        return ""
    if policy.is_high_conflict(assignment.couple):
        return ""
    if assignment.visibility == "after_both" and not (own and own.is_submitted):
        return gettext("Your partner's answer appears here once you have both submitted.")
    return gettext("Your partner has not submitted an answer yet.")


def _counselor_review(
    request: AuthenticatedHttpRequest,
    occurrence: Occurrence,
    *,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    couple = occurrence.assignment.couple
    responses = list(selectors.occurrence_responses(user, occurrence, with_versions=True))
    services.responses_record_access(viewer=user, responses=responses, with_versions=True)
    submitted_by = {r.author_id for r in responses}
    if occurrence.assignment.is_joint:
        pending = [] if None in submitted_by else [gettext("the couple's joint answer")]
    else:
        pending = [p.full_name for p in couple.partners if p.pk not in submitted_by]
    # The exercise's text in the counselor's language, next to the answers exactly as written.
    exercise = localized_text(occurrence.assignment)
    context = {
        "occurrence": occurrence,
        "assignment": occurrence.assignment,
        "exercise": exercise,
        "couple": couple,
        "responses": shown(responses, exercise.fields, with_versions=True),
        "pending": pending,
        # A ritual's logs are followed through its streak (see the service).
        "reviewable": occurrence.assignment.template.kind != TemplateKind.PRACTICE,
        "comments": selectors.occurrence_comments(user, occurrence),
        "comment_form": comment_form or CommentForm(),
    }
    return render(request, "exercises/occurrence_review.html", context, status=status)


@require_POST
def occurrence_comment(request: AuthenticatedHttpRequest, occurrence_id: int) -> HttpResponse:
    user = request.user
    _assigners_only(user)
    occurrence = _occurrence_for(user, occurrence_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        response = None
        if form.cleaned_data["response"]:
            response = get_or_404(selectors.occurrence_responses(user, occurrence), form.cleaned_data["response"])
        comment = submit_form(
            form,
            lambda: services.comment_add(
                counselor=user,
                body=form.cleaned_data["body"],
                occurrence=None if response else occurrence,
                response=response,
            ),
        )
        if comment is not None:
            messages.success(request, gettext("Your comment is posted."))
            return redirect("occurrence_detail", occurrence_id=occurrence.pk)
    return _counselor_review(request, occurrence, comment_form=form, status=400)


@require_POST
def response_review(request: AuthenticatedHttpRequest, response_id: int) -> HttpResponse:
    user = request.user
    _assigners_only(user)
    response = get_or_404(selectors.responses_visible_to(user), response_id)
    try:
        services.response_mark_reviewed(response=response, counselor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _counselor_review(request, _occurrence_for(user, response.occurrence_id), status=400)
    messages.success(request, gettext("Marked as reviewed."))
    return redirect("occurrence_detail", occurrence_id=response.occurrence_id)
