"""The audit list for practice admins (/audit/): who did what to which record,
and when. It lists AuditEvent rows, never answer content: the rows hold ids
and action names only (services record no answer text in ``details``), and
this page does not show ``details`` at all.

It lives with exercises because answer access is what it mostly records; it
covers every app's events."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import AuditEvent, Role, User

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False)
    actor = forms.CharField(label="Who (name or e-mail)", required=False, max_length=200)

    def __init__(self, *args: object, actions: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].choices = [("", "Any action"), *((a, a) for a in actions)]  # type: ignore[attr-defined]


def audit_events(*, action: str = "", actor: str = "") -> QuerySet[AuditEvent]:
    """The audit rows, newest first, with their actor joined; ``details`` is
    left unloaded since the list never shows it."""
    events = AuditEvent.objects.select_related("actor").defer("details").order_by("-created_at", "-pk")
    if action:
        events = events.filter(action=action)
    if actor:
        events = events.filter(Q(actor__email__icontains=actor) | Q(actor__full_name__icontains=actor))
    return events


def audit_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]  # login is required on every page
    if user.role != Role.PRACTICE_ADMIN:
        raise Http404
    actions = list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
    form = AuditFilterForm(request.GET or None, actions=actions)
    action = actor = ""
    if form.is_bound and form.is_valid():
        action, actor = form.cleaned_data["action"], form.cleaned_data["actor"].strip()
    page = Paginator(audit_events(action=action, actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/list.html", context)
