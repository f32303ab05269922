"""The audit list for practice admins (/audit/): who did what to which record,
and when. It lists AuditEvent rows, never answer content: the rows hold ids
and action names only (services record no answer text in ``details``), and
this page does not show ``details`` at all.

It lives with exercises because answer access is what it mostly records; it
covers every app's events."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from exercises import selectors
from portal import policy
from portal.http import AuthenticatedHttpRequest

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(label="Action", required=False)
    actor = forms.CharField(label="Who (name or e-mail)", required=False, max_length=200)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        action.choices = [("", "Any action"), *((a, a) for a in actions)]


def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_read_audit_log(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None, actions=selectors.audit_actions())
    action = actor = ""
    if form.is_bound and form.is_valid():
        action, actor = form.cleaned_data["action"], form.cleaned_data["actor"].strip()
    page = Paginator(selectors.audit_events(action=action, actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/list.html", context)
