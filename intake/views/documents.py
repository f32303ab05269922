"""Pages: the practice admin's Documents (list, a document's versions and
its draft, publishing with a confirmation) and the partner's Documents to
sign (read and sign, what they signed, the PDF, revoking). Logged-in pages
are already sent with Cache-Control: no-store (portal.middleware)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext

from exercises.markdown import render_markdown
from intake import selectors, services
from intake.api import signature_pdf_response
from intake.builtin import still_marked_draft
from intake.forms import DraftForm, PublishForm, RevokeForm, SignForm
from intake.models import Document, VersionStatus
from portal import policy
from portal.errors import submit_form
from portal.http import AuthenticatedHttpRequest, client_ip


def _admin_document(request: AuthenticatedHttpRequest, document_id: int) -> Document:
    if not policy.can_manage_documents(request.user):
        raise Http404(gettext("No such document."))
    return selectors.document_for(request.user, document_id)


def _partner_only(request: AuthenticatedHttpRequest) -> None:
    if not policy.can_sign_documents(request.user):
        raise Http404(gettext("No such page."))


def document_admin_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_manage_documents(request.user):
        raise Http404(gettext("No such page."))
    documents = list(selectors.documents_visible_to(request.user).order_by("title", "pk"))
    rows = []
    for document in documents:
        versions = document.shown_versions  # type: ignore[attr-defined]
        rows.append(
            {
                "document": document,
                "live": next((v for v in versions if v.status == VersionStatus.PUBLISHED), None),
                "draft": next((v for v in versions if v.status == VersionStatus.DRAFT), None),
            }
        )
    return render(request, "intake/document_admin_list.html", {"rows": rows})


def document_admin_detail(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    document = _admin_document(request, document_id)
    versions = document.shown_versions  # type: ignore[attr-defined]
    draft = next((v for v in versions if v.status == VersionStatus.DRAFT), None)
    live = next((v for v in versions if v.status == VersionStatus.PUBLISHED), None)
    start = draft or live
    initial = {"text": start.text if start else ""}
    if start is not None:
        initial["text_es"] = ((start.translations or {}).get("es") or {}).get("text", "")
    form = DraftForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        text, translations = form.cleaned_data["text"], form.translations()
        saved = submit_form(
            form,
            lambda: services.document_version_draft(
                actor=request.user, document=document, text=text, translations=translations
            ),
        )
        if saved is not None:
            messages.success(
                request,
                gettext("Draft version %(number)d saved. Nobody sees it until you publish it.")
                % {"number": saved.number},
            )
            return redirect("document_admin_detail", document_id=document.pk)
    context = {
        "document": document,
        "versions": versions,
        "draft": draft,
        "live": live,
        "live_html": render_markdown(live.text) if live else "",
        "live_translations": [
            {"language": code, "html": render_markdown(live.text_in(code)), "sha256": live.sha256_in(code)}
            for code in live.languages[1:]
        ]
        if live
        else [],
        "form": form,
    }
    return render(request, "intake/document_admin_detail.html", context, status=400 if form.errors else 200)


def document_publish(request: AuthenticatedHttpRequest, document_id: int) -> HttpResponse:
    document = _admin_document(request, document_id)
    draft = document.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is None:
        messages.info(request, gettext("There is no draft to publish: save a new version first."))
        return redirect("document_admin_detail", document_id=document.pk)
    form = PublishForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        must_resign = form.cleaned_data["must_resign"]
        published = submit_form(
            form,
            lambda: services.document_version_publish(actor=request.user, version=draft, must_resign=must_resign),
        )
        if published is not None:
            messages.success(
                request,
                gettext("Version %(number)d is live. SHA-256 %(hash)s…")
                % {"number": published.number, "hash": published.sha256[:12]},
            )
            return redirect("document_admin_detail", document_id=document.pk)
    context = {
        "document": document,
        "draft": draft,
        "draft_html": render_markdown(draft.text),
        "draft_translations": [
            {"language": code, "html": render_markdown(draft.text_in(code))} for code in draft.languages[1:]
        ],
        "still_marked_draft": still_marked_draft(draft),
        "has_live": document.versions.filter(status=VersionStatus.PUBLISHED).exists(),
        "form": form,
    }
    return render(request, "intake/document_publish.html", context, status=400 if form.errors else 200)


def partner_documents(request: AuthenticatedHttpRequest) -> HttpResponse:
    _partner_only(request)
    context = {
        "needed": selectors.signatures_needed_for(request.user),
        "signatures": list(selectors.signatures_visible_to(request.user).order_by("-signed_at", "-pk")),
    }
    return render(request, "intake/partner_documents.html", context)


def document_sign(request: AuthenticatedHttpRequest, version_id: int) -> HttpResponse:
    _partner_only(request)
    version = selectors.version_for(request.user, version_id)
    if version.status != VersionStatus.PUBLISHED:
        raise Http404(gettext("No such document."))
    # The partner reads the version in their language where it has that text, in English otherwise.
    language = version.reading_language()
    form = SignForm(request.POST if request.method == "POST" else None, initial={"language": language})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        signature = submit_form(
            form,
            lambda: services.signature_create(
                signer=request.user,
                version=version,
                typed_name=data["typed_name"],
                agreed=data["agreed"],
                ip_address=client_ip(request),
                user_agent=request.headers.get("User-Agent", ""),
                language=data.get("language") or language,
            ),
        )
        if signature is not None:
            messages.success(
                request, gettext("Thank you: you signed “%(title)s”.") % {"title": version.document.local_title}
            )
            # Back to the packet while there is one (its page shows what is left), else the documents.
            in_packet = selectors.packet_progress_for_partner(request.user) is not None
            return redirect("partner_intake" if in_packet else "partner_documents")
    context = {
        "version": version,
        "text_html": render_markdown(version.text_in(language)),
        "text_language": language,
        "form": form,
    }
    return render(request, "intake/document_sign.html", context, status=400 if form.errors else 200)


def signature_pdf(request: AuthenticatedHttpRequest, signature_id: int) -> HttpResponse:
    return signature_pdf_response(request.user, signature_id, view="page-pdf")


def signature_revoke(request: AuthenticatedHttpRequest, signature_id: int) -> HttpResponse:
    _partner_only(request)
    signature = selectors.signature_for(request.user, signature_id)
    if not policy.can_revoke_signature(request.user, signature) or hasattr(signature, "revocation"):
        raise Http404(gettext("No such signature."))
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        done = submit_form(
            form, lambda: services.signature_revoke(actor=request.user, signature=signature, reason=reason)
        )
        if done is not None:
            messages.success(
                request, gettext("Your signature is revoked. The record of it and of your reason is kept.")
            )
            return redirect("partner_documents")
    return render(
        request,
        "intake/signature_revoke.html",
        {"signature": signature, "form": form},
        status=400 if form.errors else 200,
    )
