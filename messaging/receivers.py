"""How messaging reacts to its own signals; connected in MessagingConfig.ready().

notifications comes before messaging in the app order and cannot know a
thread: these receivers work out who is told (everyone who may read the
thread, through portal.policy, but its author) and hand notifications ids
and the author's name only, never what was written.

- message_posted (inside the post's transaction, which holds the thread's
  lock): each recipient gets an in-app notice at once and, after a delay,
  one e-mail for the burst (notifications.messages.message_notices_plan);
  the author's own pending e-mail about the thread is cancelled (they are
  in the conversation).
  A partner in safety mode is a recipient like anyone else (with a neutral
  notice), but their own messages tell the other partner nothing: their
  partner is not told of their activity.
- message_read (inside thread_mark_read's transaction): the reader's
  pending e-mail about the thread is cancelled, their notices marked read.
"""

from __future__ import annotations

from typing import Any

from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_noop

from accounts.models import User
from messaging import selectors
from messaging.models import Thread, ThreadKind
from notifications import messages as message_notices
from portal import policy
from progress.signals import AttentionCount


def _load_people(thread: Thread) -> None:
    """The couple's partners (with their safety setting) and counselors,
    loaded onto ``thread.couple`` in two simple queries. (One query joining
    them all to the locked thread cost more: PostgreSQL took 1.3 ms to plan
    its eight tables, bench/messaging.py.)"""
    couple = thread.couple
    people = User.objects.select_related("safety").in_bulk(
        [couple.partner_one_id, couple.partner_two_id, couple.primary_counselor_id]
    )
    couple.partner_one = people[couple.partner_one_id]
    couple.partner_two = people[couple.partner_two_id]
    couple.primary_counselor = people[couple.primary_counselor_id]
    prefetch_related_objects([couple], "other_counselors")


def readers(thread: Thread) -> tuple[list[User], list[User]]:
    """(counselors, partners) who may read ``thread``, by portal.policy.
    A practice admin is never one (thread_scope is None for them)."""
    couple = thread.couple
    counselors = [couple.primary_counselor, *couple.other_counselors.all()]
    if thread.kind == ThreadKind.JOINT:
        partners = [couple.partner_one, couple.partner_two]
    else:
        partners = [p for p in (couple.partner_one, couple.partner_two) if p.pk == thread.partner_id]
    return (
        [u for u in dict.fromkeys(counselors) if policy.can_view_thread(u, thread)],
        [u for u in partners if policy.can_view_thread(u, thread)],
    )


def message_posted(
    sender: type, message_id: int, thread_id: int, author_id: int, thread: Thread, **kwargs: Any
) -> None:
    """``thread`` is the posting service's row, locked, with its couple."""
    _load_people(thread)
    counselors, partners = readers(thread)
    author = next((u for u in (*counselors, *partners) if u.pk == author_id), None)
    if author is None:
        author = User.objects.get(pk=author_id)
    author_is_counselor = author in counselors
    if not author_is_counselor and policy.in_safety_mode(author):
        partners = []  # the other partner is not told of their activity
    message_notices.message_notices_plan(
        thread_id=thread_id,
        message_id=message_id,
        author_id=author_id,
        counselors=[u for u in counselors if u.pk != author_id],
        partners=[u for u in partners if u.pk != author_id],
        author_name=author.full_name,
        author_is_counselor=author_is_counselor,
    )


def message_read(sender: type, thread_id: int, user_id: int, **kwargs: Any) -> None:
    message_notices.message_notices_cancel(thread_id=thread_id, user_id=user_id)


def message_notices_moot(sender: object, notices: list[tuple[int, int, int]], **kwargs: Any) -> set[int]:
    """notifications.signals.message_notices_moot: of the (reminder, thread,
    recipient) about to be e-mailed, those whose recipient may no longer read
    the thread (policy.can_view_thread: e.g. a counselor taken off the
    couple). Three queries for the whole batch."""
    threads = (
        Thread.objects.select_related("couple")
        .prefetch_related("couple__other_counselors")
        .in_bulk({thread_id for _, thread_id, _ in notices})
    )
    people = User.objects.in_bulk({user_id for _, _, user_id in notices})
    return {
        reminder_id
        for reminder_id, thread_id, user_id in notices
        if thread_id not in threads
        or user_id not in people
        or not policy.can_view_thread(people[user_id], threads[thread_id])
    }


def caseload_attention(sender: type, counselor: User, **kwargs: Any) -> dict[str, AttentionCount]:
    """progress.signals.caseload_attention: a couple whose partners wrote
    messages the counselor has not read needs attention on the dashboard."""
    return {
        "unread_messages": AttentionCount(
            count=selectors.unread_client_messages(counselor),
            one=gettext_noop("unread message"),
            many=gettext_noop("unread messages"),
        )
    }
