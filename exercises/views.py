"""Exercise pages: thin views over exercises.selectors (what one may see) and
exercises.services (every change). Anything outside the viewer's scope is a
404, as elsewhere in the portal; a practice admin gets 404 on every page that
would show exercise content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Couple, Role, User
from exercises import selectors, services
from exercises.fields import FieldKind, FieldSpec, answers_from_form, clean_answers
from exercises.forms import AnswerForm, AssignForm, CommentForm, NoteForm, TemplateEditForm, field_formset
from exercises.hints import Hint, blame_hints, hints_for_answers
from exercises.models import (
    Assignment,
    ExerciseTemplate,
    Occurrence,
    Response,
    ResponseVersion,
    TemplateKind,
    Visibility,
)
from portal import policy
from portal.errors import add_errors_to_form, error_dict


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # login is required on every page


def _counselor_only(user: User) -> None:
    if user.role != Role.COUNSELOR:
        raise Http404


def _get_or_404(queryset: Any, pk: Any) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


def _local_today(couple: Couple, now: datetime) -> date:
    return timezone.localtime(now, ZoneInfo(couple.time_zone)).date()


# --- Showing answers --------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    label: str
    value: str


def _display(spec: FieldSpec, value: Any) -> str:
    kind = spec["kind"]
    if kind == FieldKind.SINGLE_CHOICE:
        return next((c["label"] for c in spec["choices"] if c["value"] == value), str(value))
    if kind == FieldKind.CHECKLIST:
        labels = {c["value"]: c["label"] for c in spec["choices"]}
        return ", ".join(labels.get(item, item) for item in value)
    if kind == FieldKind.YES_NO:
        return "Yes" if value else "No"
    if kind == FieldKind.SCALE:
        ends = " – ".join(label for label in (spec.get("min_label"), spec.get("max_label")) if label)
        return f"{value} of 5" + (f" ({ends})" if ends else "")
    return str(value)


def answer_rows(fields: list[FieldSpec], answers: dict[str, Any]) -> list[AnswerRow]:
    """An answer as label/value pairs in the template's order; unanswered questions left out."""
    return [AnswerRow(spec["label"], _display(spec, answers[spec["key"]])) for spec in fields if spec["key"] in answers]


@dataclass(frozen=True)
class ShownVersion:
    version: ResponseVersion
    rows: list[AnswerRow]


@dataclass(frozen=True)
class ShownResponse:
    response: Response
    rows: list[AnswerRow]
    author_name: str
    earlier: list[ShownVersion]


def _earlier(response: Response, fields: list[FieldSpec], with_versions: bool) -> list[ShownVersion]:
    """Earlier submitted versions, newest first (``versions`` prefetched)."""
    if not with_versions:
        return []
    versions = sorted(response.versions.all(), key=lambda v: v.version, reverse=True)
    return [ShownVersion(v, answer_rows(fields, v.answers)) for v in versions]


def _shown(responses: list[Response], fields: list[FieldSpec], *, with_versions: bool = False) -> list[ShownResponse]:
    return [
        ShownResponse(
            r,
            answer_rows(fields, r.answers),
            r.author.full_name if r.author else "Together",
            _earlier(r, fields, with_versions),
        )
        for r in responses
    ]


# --- Occurrence: a partner answers, a counselor reviews -----------------------------------


def _occurrence_for(user: User, occurrence_id: Any) -> Occurrence:
    """The occurrence if it belongs to the viewer's couple or caseload, else 404."""
    occurrences = selectors.occurrences_visible_to(user).select_related("assignment__couple__primary_counselor")
    return _get_or_404(occurrences.prefetch_related("assignment__couple__other_counselors"), occurrence_id)


def occurrence_detail(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    user = _user(request)
    occurrence = _occurrence_for(user, occurrence_id)
    if user.role == Role.COUNSELOR:
        return _counselor_review(request, occurrence)
    return _partner_answer(request, occurrence)


def _partner_answer(request: HttpRequest, occurrence: Occurrence) -> HttpResponse:
    user = _user(request)
    assignment = occurrence.assignment
    fields = assignment.fields
    responses = list(selectors.responses_visible_to(user).filter(occurrence=occurrence).prefetch_related("versions"))
    own = next((r for r in responses if r.author_id in (None, user.pk)), None)
    others = [r for r in responses if r is not own]
    can_answer = policy.can_respond(user, assignment) and not (own and own.is_reviewed)

    form = AnswerForm(request.POST or None, field_specs=fields, answers=own.answers if own else None)
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
        try:
            if intent == "submit" and hints:
                # Advice before a first submit: show the hints and a "Submit
                # anyway"; report invalid answers now too, not one round later.
                clean_answers(fields, answers)
                confirm_submit = True
            elif intent in ("submit", "submit_anyway"):
                services.response_submit(occurrence=occurrence, user=user, answers=answers)
                messages.success(request, "Your answer is submitted. Thank you.")
                return redirect("occurrence_detail", occurrence_id=occurrence.pk)
            else:
                services.response_save_draft(occurrence=occurrence, user=user, answers=answers)
                messages.success(request, "Your draft is saved. Only you can see it until you submit.")
                return redirect("occurrence_detail", occurrence_id=occurrence.pk)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
            status = 400

    services.responses_record_access(viewer=user, responses=others)
    ritual, ritual_shared = _partner_ritual(user, assignment)
    context = {
        "ritual": ritual,
        "ritual_private": assignment.template.kind == TemplateKind.PRACTICE and not ritual_shared,
        "occurrence": occurrence,
        "assignment": assignment,
        "template": assignment.template,
        "form": form,
        "hints": hints,
        "confirm_submit": confirm_submit,
        "can_answer": can_answer,
        "own": own,
        "own_rows": answer_rows(fields, own.answers) if own else [],
        # The author sees their earlier versions; the other partner sees only the current one.
        "own_earlier": _earlier(own, fields, True) if own else [],
        "others": _shown(others, fields),
        "waiting_for_partner": _waiting_for_partner(assignment, own, others),
        "comments": selectors.comments_visible_to(user)
        .filter(occurrence=occurrence)
        .select_related("response__author"),
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
        return "Your partner's answer appears here once you have both submitted."
    return "Your partner has not submitted an answer yet."


def _counselor_review(
    request: HttpRequest, occurrence: Occurrence, *, comment_form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    couple = occurrence.assignment.couple
    responses = list(selectors.responses_visible_to(user).filter(occurrence=occurrence).prefetch_related("versions"))
    services.responses_record_access(viewer=user, responses=responses, with_versions=True)
    submitted_by = {r.author_id for r in responses}
    if occurrence.assignment.is_joint:
        pending = [] if None in submitted_by else ["the couple's joint answer"]
    else:
        pending = [p.full_name for p in couple.partners if p.pk not in submitted_by]
    context = {
        "occurrence": occurrence,
        "assignment": occurrence.assignment,
        "couple": couple,
        "responses": _shown(responses, occurrence.assignment.fields, with_versions=True),
        "pending": pending,
        # A ritual's logs are followed through its streak (see the service).
        "reviewable": occurrence.assignment.template.kind != TemplateKind.PRACTICE,
        "comments": selectors.comments_visible_to(user)
        .filter(occurrence=occurrence)
        .select_related("response__author"),
        "comment_form": comment_form or CommentForm(),
    }
    return render(request, "exercises/occurrence_review.html", context, status=status)


@require_POST
def occurrence_comment(request: HttpRequest, occurrence_id: int) -> HttpResponse:
    user = _user(request)
    _counselor_only(user)
    occurrence = _occurrence_for(user, occurrence_id)
    form = CommentForm(request.POST)
    if form.is_valid():
        response = None
        if form.cleaned_data["response"]:
            answers = selectors.responses_visible_to(user).filter(occurrence=occurrence)
            response = _get_or_404(answers, form.cleaned_data["response"])
        try:
            services.comment_add(
                counselor=user,
                body=form.cleaned_data["body"],
                occurrence=None if response else occurrence,
                response=response,
            )
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, "Your comment is posted.")
            return redirect("occurrence_detail", occurrence_id=occurrence.pk)
    return _counselor_review(request, occurrence, comment_form=form, status=400)


@require_POST
def response_review(request: HttpRequest, response_id: int) -> HttpResponse:
    user = _user(request)
    _counselor_only(user)
    response = _get_or_404(selectors.responses_visible_to(user), response_id)
    try:
        services.response_mark_reviewed(response=response, counselor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _counselor_review(request, _occurrence_for(user, response.occurrence_id), status=400)
    messages.success(request, "Marked as reviewed.")
    return redirect("occurrence_detail", occurrence_id=response.occurrence_id)


# --- A counselor's exercises page for one couple -----------------------------------------


def _managed_couple(user: User, couple_id: Any) -> Couple:
    couple = policy.couple_for(user, couple_id)
    if not policy.can_manage_assignments(user, couple):
        raise Http404  # practice admins see the couple, not its exercises
    return couple


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    occurrences: list[selectors.OccurrenceProgress]
    note_form: NoteForm
    ritual: selectors.RitualSummary | None = None


def couple_exercises(request: HttpRequest, couple_id: int) -> HttpResponse:
    user = _user(request)
    couple = _managed_couple(user, couple_id)
    now = timezone.now()
    templates = selectors.templates_visible_to(user).filter(is_archived=False).order_by("-is_builtin", "title")
    form = AssignForm(request.POST or None, templates=templates, today=_local_today(couple, now))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.assignment_create(
                    counselor=user,
                    couple=couple,
                    template=data["template"],
                    starts_on=data["starts_on"],
                    due_time=data["due_time"],
                    note=data["note"],
                    now=now,
                    **form.schedule_args(),
                )
            except ValidationError as exc:
                errors = error_dict(exc)
                if "rrule" in errors:  # the recurrence is chosen through "schedule"
                    errors["schedule"] = errors.pop("rrule")
                add_errors_to_form(form, ValidationError(errors))
            else:
                messages.success(request, f"“{data['template'].title}” is assigned to {couple.display_name}.")
                return redirect("couple_exercises", couple_id=couple.pk)

    progress_by_assignment: dict[int, list[selectors.OccurrenceProgress]] = {}
    for item in selectors.couple_progress(couple, now=now):
        progress_by_assignment.setdefault(item.occurrence.assignment_id, []).append(item)
    assignments = list(selectors.assignments_visible_to(user).filter(couple=couple))
    rituals = selectors.ritual_summaries(assignments, now=now)
    services.rituals_record_access(viewer=user, assignments=[a for a in assignments if a.pk in rituals])
    rows = [
        AssignmentRow(
            a,
            progress_by_assignment.get(a.pk, []),
            NoteForm(initial={"note": a.note}, prefix=f"a{a.pk}"),
            rituals.get(a.pk),
        )
        for a in assignments
    ]
    context = {
        "couple": couple,
        "rows": rows,
        "form": form,
        "high_conflict": policy.is_high_conflict(couple),
    }
    return render(request, "exercises/couple_exercises.html", context, status=status)


ASSIGNMENT_ACTIONS = {
    "pause": (services.assignment_pause, "paused"),
    "resume": (services.assignment_resume, "resumed"),
    "end": (services.assignment_end, "ended; its history is kept"),
}


def _managed_assignment(user: User, assignment_id: Any) -> Assignment:
    _counselor_only(user)
    assignment = _get_or_404(selectors.assignments_visible_to(user), assignment_id)
    if not policy.can_manage_assignments(user, assignment.couple):
        raise Http404
    return assignment


@require_POST
def assignment_action(request: HttpRequest, assignment_id: int, action: str) -> HttpResponse:
    user = _user(request)
    assignment = _managed_assignment(user, assignment_id)
    if action not in ASSIGNMENT_ACTIONS:
        raise Http404
    change, done = ASSIGNMENT_ACTIONS[action]
    try:
        change(assignment=assignment, counselor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"“{assignment.template.title}” is {done}.")
    return redirect("couple_exercises", couple_id=assignment.couple_id)


@require_POST
def assignment_note(request: HttpRequest, assignment_id: int) -> HttpResponse:
    user = _user(request)
    assignment = _managed_assignment(user, assignment_id)
    form = NoteForm(request.POST, prefix=f"a{assignment.pk}")
    if form.is_valid():
        services.assignment_update_note(assignment=assignment, counselor=user, note=form.cleaned_data["note"])
        messages.success(request, "The note is saved.")
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect("couple_exercises", couple_id=assignment.couple_id)


@require_POST
def couple_high_conflict(request: HttpRequest, couple_id: int) -> HttpResponse:
    user = _user(request)
    couple = _managed_couple(user, couple_id)
    on = request.POST.get("high_conflict") == "on"
    services.couple_set_high_conflict(couple=couple, counselor=user, high_conflict=on)
    if on:
        messages.success(request, "High-conflict is on: partners no longer see each other's answers.")
    else:
        messages.success(request, "High-conflict is off: the exercises' own sharing rules apply again.")
    return redirect("couple_exercises", couple_id=couple.pk)


# --- Template library ---------------------------------------------------------------------


def template_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _counselor_only(user)
    templates = list(selectors.templates_visible_to(user).filter(is_archived=False))
    context = {
        "builtins": [t for t in templates if t.is_builtin],
        "own": [t for t in templates if not t.is_builtin],
    }
    return render(request, "exercises/template_list.html", context)


def _template_for(user: User, template_id: Any) -> ExerciseTemplate:
    _counselor_only(user)
    return _get_or_404(selectors.templates_visible_to(user), template_id)


def template_detail(request: HttpRequest, template_id: int) -> HttpResponse:
    user = _user(request)
    template = _template_for(user, template_id)
    context = {
        "template": template,
        "can_edit": policy.can_edit_template(user, template),
        "can_copy": policy.can_copy_template(user, template),
    }
    return render(request, "exercises/template_detail.html", context)


@require_POST
def template_copy(request: HttpRequest, template_id: int) -> HttpResponse:
    user = _user(request)
    template = _template_for(user, template_id)
    copy = services.template_copy(template=template, counselor=user)
    messages.success(request, f"“{copy.title}” is now one of your own exercises: edit it as you like.")
    return redirect("template_edit", template_id=copy.pk)


def _save_template_form(
    request: HttpRequest, template: ExerciseTemplate | None, initial: dict[str, Any]
) -> HttpResponse:
    """The template page and its field builder, for a new template or one's own.
    Nothing is saved unless the whole of it is valid: the row errors come from
    exercises.fields, the rest from the service."""
    user = _user(request)
    data = request.POST if request.method == "POST" else None
    form = TemplateEditForm(data, initial=initial)
    formset = field_formset(data, template)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            try:
                if template is None:
                    template = services.template_create(owner=user, fields=formset.specs, **form.changes())
                else:
                    services.template_update(template=template, actor=user, fields=formset.specs, **form.changes())
            except ValidationError as exc:
                errors = error_dict(exc)
                for message in errors.pop("fields", []):
                    formset.non_form_errors().append(message)
                add_errors_to_form(form, ValidationError(errors))
            else:
                messages.success(request, "The exercise is saved. Assignments already made keep their questions.")
                return redirect("template_detail", template_id=template.pk)
    context = {"template": template, "form": form, "formset": formset}
    return render(request, "exercises/template_edit.html", context, status=status)


def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    user = _user(request)
    template = _template_for(user, template_id)
    if not policy.can_edit_template(user, template):
        raise Http404
    return _save_template_form(request, template, TemplateEditForm.initial_for(template))


def template_new(request: HttpRequest) -> HttpResponse:
    """A new exercise of the counselor's own, built from scratch."""
    _counselor_only(_user(request))
    initial = {"estimated_minutes": 15, "category": "other", "visibility": "after_both", "kind": "once"}
    return _save_template_form(request, None, initial)


# --- Live "I" statement hints ----------------------------------------------------------------

HINT_TEXT_LIMIT = 10000


@never_cache
@require_http_methods(["GET", "POST"])
def hints(request: HttpRequest) -> JsonResponse:
    """The hints of exercises.hints for a text, as JSON, for the page to show
    while a partner types (static/js/hints.js): the rules stay in one place.
    The page POSTs, so that what a partner writes stays out of URLs and logs;
    GET ?text= is accepted too. Nothing is stored."""
    text = (request.POST if request.method == "POST" else request.GET).get("text", "")[:HINT_TEXT_LIMIT]
    found = blame_hints(text)
    return JsonResponse({"hints": [{"code": h.code, "phrase": h.phrase, "message": h.message} for h in found]})
