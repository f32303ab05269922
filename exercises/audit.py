"""The audit list for practice admins (/audit/): who did what to which record,
and when. It lists AuditEvent rows, never answer content: the rows hold ids
and action names only (services record no answer text in ``details``), and
this page does not show ``details`` at all.

It lives with exercises because answer access is what it mostly records; it
covers every app's events."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditAction, AuditEvent, Couple
from exercises import audit_log, selectors
from portal import paging, policy
from portal.http import AuthenticatedHttpRequest

CSV_CHUNK = 500


class CoupleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Couple) -> str:
        return obj.display_name


class AuditFilterForm(forms.Form):
    # Every action the portal records, from the one enum: a menu read from
    # the rows was a DISTINCT over the whole log (1.3 million rows, 537 ms).
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices])
    actor = forms.CharField(label=_("Who (name or e-mail)"), required=False, max_length=200)
    couple = CoupleChoiceField(
        label=_("Couple"), required=False, queryset=Couple.objects.none(), empty_label=_("Any couple")
    )
    since = forms.DateField(
        label=pgettext_lazy("date range", "From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(label=_("To (inclusive)"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        couple_field = self.fields["couple"]
        assert isinstance(couple_field, CoupleChoiceField)
        couple_field.queryset = policy.couples_visible_to(user).select_related("partner_one", "partner_two")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", gettext("Choose a day on or after the first day."))
        return data


def _filtered(request: AuthenticatedHttpRequest, form: AuditFilterForm) -> Any:
    """The rows the valid filters ask for, days read in the viewer's time zone;
    with invalid filters, none (the form says what is wrong)."""
    if not form.is_bound:
        return selectors.audit_events()
    if not form.is_valid():
        return AuditEvent.objects.none()
    data = form.cleaned_data
    zone = ZoneInfo(request.user.time_zone)
    since = datetime.combine(data["since"], time(), zone) if data.get("since") else None
    until = datetime.combine(data["until"] + timedelta(days=1), time(), zone) if data.get("until") else None
    return selectors.audit_events(
        action=data["action"], actor=data["actor"].strip(), couple=data.get("couple"), since=since, until=until
    )


def audit_list(request: AuthenticatedHttpRequest) -> HttpResponse | StreamingHttpResponse:
    if not policy.can_read_audit_log(request.user):
        raise Http404
    query = request.GET.copy()
    wants_csv = query.pop("format", [""])[0] == "csv"
    form = AuditFilterForm(query or None, user=request.user)
    events = _filtered(request, form)
    if wants_csv and not form.errors:
        return _csv(request, events)
    page = paging.page_of(events, request.GET)
    rows = audit_log.describe(page.items, request.user)
    csv_query = query.copy()
    csv_query["format"] = "csv"
    return render(
        request, "audit/list.html", {"form": form, "page": page, "rows": rows, "csv_query": csv_query.urlencode()}
    )


class _Echo:
    def write(self, value: str) -> str:
        return value


def safe_cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _csv(request: AuthenticatedHttpRequest, events: Any) -> StreamingHttpResponse:
    viewer = request.user
    zone = viewer.time_zone

    def lines() -> Iterator[str]:
        writer = csv.writer(_Echo())
        yield writer.writerow(["time_utc", f"time_{zone}", "actor", "action", "sentence", "target_type", "target_id"])
        offset = 0
        while True:
            chunk = list(events[offset : offset + CSV_CHUNK])
            for row in audit_log.describe(chunk, viewer):
                moment = row.event.created_at
                cells = [
                    moment.astimezone(ZoneInfo("UTC")).isoformat(),
                    audit_log.in_zone(moment, zone).isoformat(),
                    row.actor,
                    row.action,
                    row.sentence,
                    row.event.target_type,
                    row.event.target_id,
                ]
                yield writer.writerow([safe_cell(str(cell)) for cell in cells])
            if len(chunk) < CSV_CHUNK:
                return
            offset += CSV_CHUNK

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["Cache-Control"] = "no-store"
    return response
