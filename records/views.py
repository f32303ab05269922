"""Downloads of a person's record: the client's own ("Download my record" on
their profile page) and a client's, exported by staff on the client's
request (a couple's page). JSON or PDF. The URLs carry ids only; the
answers are sent with Cache-Control: no-store (never_cache here, besides
portal.middleware's rule for every logged-in page)."""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.languages import override_for
from accounts.models import User
from portal import policy
from portal.http import AuthenticatedHttpRequest
from records import selectors, services
from records.pdf import record_pdf


def _download(actor: User, subject: User, export_format: str) -> HttpResponse:
    if export_format not in ("json", "pdf"):
        raise Http404("No such format.")
    # A record is the client's, made for them (by staff on their request too): its
    # words (the PDF's headings, titles, yes and no) are in the client's language.
    with override_for(subject):
        document = services.record_export(
            actor=actor,
            subject=subject,
            export_format="pdf" if export_format == "pdf" else "json",
        )
        body = record_pdf(document) if export_format == "pdf" else b""
    name = f"record-{subject.pk}-{timezone.now():%Y%m%d}.{export_format}"
    if export_format == "pdf":
        response = HttpResponse(body, content_type="application/pdf")
    else:
        text = json.dumps(document, ensure_ascii=False, indent=2)
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
@never_cache
def my_record(request: AuthenticatedHttpRequest, export_format: str) -> HttpResponse:
    if not policy.can_download_own_record(request.user):
        raise Http404("No such page.")
    return _download(request.user, request.user, export_format)


@require_GET
@never_cache
def client_record(request: AuthenticatedHttpRequest, user_id: int, export_format: str) -> HttpResponse:
    subject = selectors.record_subject_for(request.user, user_id)
    if subject.pk == request.user.pk:
        raise Http404("No such client.")  # one's own record is at my_record
    return _download(request.user, subject, export_format)
