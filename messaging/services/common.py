"""What the messaging services share: the body's rules and the locked thread."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext

from accounts.models import User
from messaging.models import MAX_BODY, Thread
from portal import policy


def clean_body(body: str | None, *, required: bool = True) -> str:
    """The message's text without surrounding blank space; ValidationError on
    ``body`` when it is empty (and must not be) or too long."""
    text = (body or "").strip()
    if required and not text:
        raise ValidationError({"body": gettext("Write a message.")})
    if len(text) > MAX_BODY:
        raise ValidationError(
            {
                "body": gettext("Keep a message to %(limit)s characters (this one has %(length)s).")
                % {
                    "limit": number_format(MAX_BODY, force_grouping=True),
                    "length": number_format(len(text), force_grouping=True),
                }
            }
        )
    return text


def locked_thread(actor: User, thread: Thread) -> Thread:
    """The thread, locked for the rest of the transaction (posts in one
    thread one after the other), or 404 if the actor may not read it."""
    locked = Thread.objects.select_for_update(of=("self",)).select_related("couple").filter(pk=thread.pk).first()
    if locked is None or not policy.can_view_thread(actor, locked):
        raise Http404("No such conversation.")
    return locked
