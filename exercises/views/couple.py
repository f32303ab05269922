"""A counselor's exercises page for one couple: assign, follow each
occurrence's progress, pause, resume or end an assignment, edit its note,
and turn high-conflict on or off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from accounts.models import Couple, User
from exercises import selectors, services
from exercises.forms import AssignForm, NoteForm
from exercises.models import Assignment, AssignmentStatus
from exercises.translations import localized_title
from exercises.views.scope import get_or_404
from portal import policy
from portal.errors import add_errors_to_form, error_dict
from portal.http import AuthenticatedHttpRequest
from portal.paging import page_of

# The page shows current assignments with their occurrences of the last
# RECENT_DAYS and those to come; older ones and ended assignments are paged.
RECENT_DAYS = 14
ENDED_PAGE_SIZE = 10
HISTORY_PAGE_SIZE = 10


def _local_today(couple: Couple, now: datetime) -> date:
    return timezone.localtime(now, ZoneInfo(couple.time_zone)).date()


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


def couple_exercises(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    user = request.user
    couple = _managed_couple(user, couple_id)
    now = timezone.now()
    form = AssignForm(
        request.POST or None, templates=selectors.templates_to_assign(user), today=_local_today(couple, now)
    )
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
                messages.success(
                    request,
                    gettext("“%(title)s” is assigned to %(couple)s.")
                    % {"title": localized_title(data["template"]), "couple": couple.display_name},
                )
                return redirect("couple_exercises", couple_id=couple.pk)

    # Current assignments show their occurrences of the last RECENT_DAYS and
    # the ones to come; the rest (older, or of ended assignments) is the paged
    # history, as are the ended assignments themselves.
    recent_since = now - timedelta(days=RECENT_DAYS)
    occurrences = selectors.couple_occurrences(couple)
    progress_by_assignment: dict[int, list[selectors.OccurrenceProgress]] = {}
    current_occurrences = occurrences.filter(due_at__gte=recent_since).exclude(
        assignment__status=AssignmentStatus.ENDED
    )
    for item in selectors.occurrence_progress(current_occurrences, couple, now=now):
        progress_by_assignment.setdefault(item.occurrence.assignment_id, []).append(item)
    visible = selectors.couple_assignments(user, couple)
    current = list(visible.exclude(status=AssignmentStatus.ENDED))
    ended = page_of(
        visible.filter(status=AssignmentStatus.ENDED).order_by("-ended_at", "-pk"),
        request.GET,
        size=ENDED_PAGE_SIZE,
        param="ended",
    )
    history = page_of(
        occurrences.filter(Q(due_at__lt=recent_since) | Q(assignment__status=AssignmentStatus.ENDED)),
        request.GET,
        size=HISTORY_PAGE_SIZE,
        param="history",
    )
    assignments = [*current, *ended.items]
    rituals = selectors.ritual_summaries(assignments, now=now)
    services.rituals_record_access(viewer=user, assignments=[a for a in assignments if a.pk in rituals])
    rows = [
        AssignmentRow(
            a,
            progress_by_assignment.get(a.pk, []),
            NoteForm(initial={"note": a.note}, prefix=f"a{a.pk}"),
            rituals.get(a.pk),
        )
        for a in current
    ]
    ended_rows = [
        AssignmentRow(a, [], NoteForm(initial={"note": a.note}, prefix=f"a{a.pk}"), rituals.get(a.pk))
        for a in ended.items
    ]
    context = {
        "couple": couple,
        "rows": rows,
        "ended": ended,
        "ended_rows": ended_rows,
        "history": history,
        "history_rows": selectors.occurrence_progress(history.items, couple, now=now),
        "recent_days": RECENT_DAYS,
        "form": form,
        "high_conflict": policy.is_high_conflict(couple),
    }
    return render(request, "exercises/couple_exercises.html", context, status=status)


# Each action's message names the exercise: “%(title)s”.
ASSIGNMENT_ACTIONS = {
    "pause": (services.assignment_pause, gettext_lazy("“%(title)s” is paused.")),
    "resume": (services.assignment_resume, gettext_lazy("“%(title)s” is resumed.")),
    "end": (services.assignment_end, gettext_lazy("“%(title)s” is ended; its history is kept.")),
}


def _managed_assignment(user: User, assignment_id: Any) -> Assignment:
    if not policy.can_assign_exercises(user):
        raise Http404
    assignment: Assignment = get_or_404(selectors.assignments_visible_to(user), assignment_id)
    if not policy.can_manage_assignments(user, assignment.couple):
        raise Http404
    return assignment


@require_POST
def assignment_action(request: AuthenticatedHttpRequest, assignment_id: int, action: str) -> HttpResponse:
    user = request.user
    assignment = _managed_assignment(user, assignment_id)
    if action not in ASSIGNMENT_ACTIONS:
        raise Http404
    change, done = ASSIGNMENT_ACTIONS[action]
    try:
        change(assignment=assignment, counselor=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, str(done) % {"title": localized_title(assignment)})
    return redirect("couple_exercises", couple_id=assignment.couple_id)


@require_POST
def assignment_note(request: AuthenticatedHttpRequest, assignment_id: int) -> HttpResponse:
    user = request.user
    assignment = _managed_assignment(user, assignment_id)
    form = NoteForm(request.POST, prefix=f"a{assignment.pk}")
    if form.is_valid():
        services.assignment_update_note(assignment=assignment, counselor=user, note=form.cleaned_data["note"])
        messages.success(request, gettext("The note is saved."))
    else:
        messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))
    return redirect("couple_exercises", couple_id=assignment.couple_id)


@require_POST
def couple_high_conflict(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    user = request.user
    couple = _managed_couple(user, couple_id)
    on = request.POST.get("high_conflict") == "on"
    services.couple_set_high_conflict(couple=couple, counselor=user, high_conflict=on)
    if on:
        messages.success(request, gettext("High-conflict is on: partners no longer see each other's answers."))
    else:
        messages.success(request, gettext("High-conflict is off: the exercises' own sharing rules apply again."))
    return redirect("couple_exercises", couple_id=couple.pk)
