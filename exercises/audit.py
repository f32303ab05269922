"""The audit list for practice admins (/audit/): who did what to which record,
and when. It lists AuditEvent rows, never answer content: the rows hold ids
and action names only (services record no answer text in ``details``), and
this page does not show ``details`` at all.

It lives with exercises because answer access is what it mostly records; it
covers every app's events."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import render

from accounts.models import AuditAction
from exercises import selectors
from portal import paging, policy
from portal.http import AuthenticatedHttpRequest


class AuditFilterForm(forms.Form):
    # Every action the portal records, from the one enum: a menu read from
    # the rows was a DISTINCT over the whole log (1.3 million rows, 537 ms).
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *AuditAction.choices])
    actor = forms.CharField(label="Who (name or e-mail)", required=False, max_length=200)


def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_read_audit_log(request.user):
        raise Http404
    form = AuditFilterForm(request.GET or None)
    action = actor = ""
    if form.is_bound and form.is_valid():
        action, actor = form.cleaned_data["action"], form.cleaned_data["actor"].strip()
    page = paging.page_of(selectors.audit_events(action=action, actor=actor), request.GET)
    return render(request, "audit/list.html", {"form": form, "page": page})
