"""Pages of secure messaging: the conversations list, a conversation (read,
reply with files, edit or delete within five minutes, new messages shown
live by static/js/thread-live.js), a new conversation, and attachment
downloads. Outside the viewer's scope is 404; practice admins never see a
message. Logged-in pages are sent with Cache-Control: no-store
(portal.middleware); staff reads are audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from exercises.markdown import render_markdown
from messaging import selectors, services
from messaging.downloads import attachment_response
from messaging.forms import EditForm, NewThreadForm, ReplyForm
from messaging.models import Attachment, Message, Thread, ThreadKind
from portal import paging, policy
from portal.errors import submit_form
from portal.http import AuthenticatedHttpRequest


def _shown(viewer: User, thread: Thread, rows: list[Message]) -> list[Message]:
    """Messages oldest first, each with, for the counselors, who of the
    partners has read it (their text was rendered when it was saved)."""
    states = selectors.read_states(thread) if policy.can_see_read_states(viewer, thread) else []
    for message in rows:
        message.read_by = [  # type: ignore[attr-defined]
            state.user.full_name
            for state in states
            if state.user_id != message.author_id
            and policy.is_partner_in(state.user, thread.couple)
            and state.last_read_at >= message.created_at
        ]
    return list(reversed(rows))


def thread_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not policy.can_use_messages(user):
        raise Http404("No such page.")
    page = paging.page_of(selectors.threads_visible_to(user), request.GET)
    return render(
        request,
        "messaging/thread_list.html",
        {"page": page, "threads": list(page.items), "can_start": policy.may_start_threads(user)},
    )


def activity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """For practice admins: how much each couple uses messaging, counts only."""
    if not policy.can_see_messaging_activity(request.user):
        raise Http404("No such page.")
    page = selectors.messaging_activity(request.user, request.GET)
    return render(request, "messaging/activity.html", {"page": page, "rows": list(page.items)})


def _first_private_word(user: User, thread: Thread) -> bool:
    """A partner about to write privately for the first time sees the confidentiality policy first."""
    return (
        thread.is_private
        and thread.partner_id == user.pk
        and not Message.objects.filter(thread__couple_id=thread.couple_id, thread__kind=ThreadKind.PRIVATE, author=user)
        .order_by()
        .exists()
    )


def thread_detail(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    user = request.user
    thread = selectors.thread_for(user, thread_id, with_counts=False)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        posted = submit_form(
            form, lambda: services.message_post(actor=user, thread=thread, body=data["body"], files=data["attachments"])
        )
        if posted is not None:
            return redirect(f"{thread_url(thread)}#message-{posted.pk}")
    before = request.GET.get("before")
    cursor = selectors.Cursor.decode(before) if before else None
    page = selectors.messages_page(thread, before=cursor)
    services.threads_record_access(viewer=user, threads=[thread], view="page")
    if cursor is None:
        services.thread_mark_read(user=user, thread=thread)
    context: dict[str, Any] = {
        "thread": thread,
        "thread_messages": _shown(user, thread, page.messages),  # not "messages": base.html shows the flash messages
        "older": page.next_cursor.encode() if page.next_cursor else "",
        "form": form,
        "can_post": policy.can_post(user, thread),
        "editable": {m.pk for m in page.messages if policy.can_edit_message(user, m, timezone.now())},
        "confidentiality": selectors.confidentiality_text() if _first_private_word(user, thread) else None,
    }
    if context["confidentiality"]:
        title, text = context["confidentiality"]
        context["confidentiality"] = (title, render_markdown(text))
    return render(request, "messaging/thread.html", context, status=400 if form.errors else 200)


def thread_url(thread: Thread) -> str:
    return reverse("messaging:thread", args=[thread.pk])


def thread_since(request: AuthenticatedHttpRequest, thread_id: int) -> HttpResponse:
    """The messages after ``after`` (a message id), as HTML for thread-live.js; empty when none."""
    user = request.user
    thread = selectors.thread_for(user, thread_id, with_counts=False)
    after = request.GET.get("after", "0")
    rows = selectors.messages_after(thread, after_id=int(after) if after.isdigit() else 0)
    if rows:
        services.threads_record_access(viewer=user, threads=[thread], view="live")
        services.thread_mark_read(user=user, thread=thread)
    shown = _shown(user, thread, list(reversed(rows)))
    return render(request, "messaging/_messages.html", {"thread_messages": shown, "thread": thread, "editable": set()})


def _own_message(request: AuthenticatedHttpRequest, message_id: int) -> Message:
    message = selectors.message_for(request.user, message_id)
    if message.author_id != request.user.pk:
        raise Http404("No such message.")
    return message


def message_edit(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = _own_message(request, message_id)
    form = EditForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and form.is_valid():
        body = form.cleaned_data["body"]
        edited = submit_form(form, lambda: services.message_edit(actor=request.user, message=message, body=body))
        if edited is not None:
            return redirect(f"{thread_url(message.thread)}#message-{message.pk}")
    return render(
        request, "messaging/message_edit.html", {"message": message, "form": form}, status=400 if form.errors else 200
    )


@require_POST
def message_delete(request: AuthenticatedHttpRequest, message_id: int) -> HttpResponse:
    message = _own_message(request, message_id)
    try:
        services.message_delete(actor=request.user, message=message)
    except PermissionDenied as refused:  # the five minutes are over: said on the thread
        flash.error(request, str(refused))
    return redirect(f"{thread_url(message.thread)}#message-{message.pk}")


def thread_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not policy.may_start_threads(user):
        raise Http404("No such page.")
    couples = list(policy.couples_visible_to(user).filter(status="active"))
    chosen = request.GET.get("couple") or request.POST.get("couple")
    partners = [
        (p.pk, p.full_name)
        for c in couples
        if str(c.pk) == str(chosen) or len(couples) == 1
        for p in c.partners
        if policy.counsels_couples(user) or p.pk == user.pk
    ]
    form = NewThreadForm(
        request.POST or None,
        initial={"couple": chosen, "kind": ThreadKind.JOINT},
        couples=[(c.pk, c.display_name) for c in couples],
        partners=partners,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        couple = next(c for c in couples if c.pk == data["couple"])
        partner = next((p for p in couple.partners if p.pk == data["partner"]), None)
        thread = submit_form(
            form,
            lambda: services.thread_start(
                actor=user,
                couple=couple,
                kind=data["kind"],
                partner=partner,
                subject=data["subject"],
                body=data["body"],
            ),
        )
        if thread is not None:
            return redirect(thread_url(thread))
    return render(request, "messaging/thread_new.html", {"form": form}, status=400 if form.errors else 200)


def attachment(request: AuthenticatedHttpRequest, attachment_id: int) -> FileResponse:
    found = Attachment.objects.select_related("message__thread__couple").filter(pk=attachment_id).first()
    if found is None:
        raise Http404("No such file.")
    return attachment_response(request.user, found)
