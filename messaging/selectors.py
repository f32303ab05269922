"""Named queries of messaging, scoped to the viewer. Each costs a fixed
number of queries, however many threads or messages there are."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from accounts.models import Couple, User
from intake.models import DocumentVersion, VersionStatus
from messaging import texts
from messaging.models import Attachment, Message, Thread, ThreadKind, ThreadReadState
from portal import paging, policy

CONFIDENTIALITY_DOCUMENT_SLUG = "couples-confidentiality"
DEFAULT_PAGE = 50
MAX_PAGE = 100
# Before any message: what "never read" compares with.
NEVER_READ = datetime(1970, 1, 1, tzinfo=UTC)


def threads_visible_to(user: User) -> QuerySet[Thread]:
    """The threads ``user`` may read, newest conversation first, each with
    ``my_last_read_at`` (None: never opened) and ``unread_count`` (messages
    of others after it, deleted ones left out) computed in the same
    statement. Practice admins get none (thread_metadata_scope is for counts)."""
    scope = policy.thread_scope(user)
    if scope is None:
        return Thread.objects.none()
    # No ordering: the model's default would join and sort for one row.
    my_read = ThreadReadState.objects.filter(thread=OuterRef("pk"), user=user).order_by().values("last_read_at")[:1]
    unread = (
        Message.objects.filter(
            thread=OuterRef("pk"),
            deleted_at__isnull=True,
            created_at__gt=Coalesce(OuterRef("my_last_read_at"), Value(NEVER_READ), output_field=DateTimeField()),
        )
        .exclude(author=user)
        .order_by()
        .values("thread")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Thread.objects.filter(scope)
        .select_related("couple__partner_one", "couple__partner_two", "partner", "started_by")
        .annotate(my_last_read_at=Subquery(my_read, output_field=DateTimeField()))
        .annotate(unread_count=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)))
    )


def thread_metadata_visible_to(user: User) -> QuerySet[Thread]:
    """Threads as metadata only (kind, couple, times; for counts and support
    pages): practice admins see every thread's, others what they read. Never
    the messages' text: callers read no Message through it."""
    scope = policy.thread_metadata_scope(user)
    if scope is None:
        return Thread.objects.none()
    return Thread.objects.filter(scope).only("pk", "couple_id", "kind", "created_at", "last_message_at")


@dataclass(frozen=True)
class CoupleActivity:
    """How much one couple uses messaging: counts and times, nothing written."""

    couple: Couple
    threads: int
    private_threads: int
    messages: int
    last_message_at: datetime | None


def messaging_activity(user: User, query: QueryDict) -> paging.Page[CoupleActivity]:
    """The page ``query`` asks for of couples with conversations, most
    recently active first: how many conversations (of them private),
    messages, and the last message's time. For support
    (policy.can_see_messaging_activity): never a subject, a text or a file.
    Two queries (the counts, then the page's couples)."""
    scope = policy.thread_metadata_scope(user)
    counts = (
        Thread.objects.none()
        if scope is None or not policy.can_see_messaging_activity(user)
        else Thread.objects.filter(scope)
    )
    page = paging.page_of(
        counts.order_by()
        .values("couple_id")
        .annotate(
            threads=Count("pk", distinct=True),
            private_threads=Count("pk", filter=Q(kind=ThreadKind.PRIVATE), distinct=True),
            message_count=Count("messages"),
            last=Max("last_message_at"),
        )
        .order_by(F("last").desc(nulls_last=True), "couple_id"),
        query,
    )
    couples = Couple.objects.select_related("partner_one", "partner_two").in_bulk([r["couple_id"] for r in page])
    return replace(
        page,
        items=[
            CoupleActivity(
                couple=couples[row["couple_id"]],
                threads=row["threads"],
                private_threads=row["private_threads"],
                messages=row["message_count"],
                last_message_at=row["last"],
            )
            for row in page
        ],
    )


def thread_for(user: User, thread_id: object, *, with_counts: bool = True) -> Thread:
    """The thread with this id if ``user`` may read it, else 404 (the same
    for another partner's private thread as for a missing id). Without
    ``with_counts`` (a page that shows the messages themselves) the viewer's
    unread count and last read are not worked out (they cost a scan of the
    thread's messages), and the thread is found by its id and checked with
    policy.can_view_thread (the rule thread_scope writes in SQL): a scoped
    query cost the thread page 5 ms of compiling and planning
    (bench/messaging.py)."""
    try:
        pk = int(str(thread_id))
    except (TypeError, ValueError):
        raise Http404("No such conversation.") from None
    if with_counts:
        found = threads_visible_to(user).filter(pk=pk).first()
    else:
        found = (
            Thread.objects.select_related("couple__partner_one", "couple__partner_two", "partner", "started_by")
            .filter(pk=pk)
            .first()
        )
        if found is not None and not policy.can_view_thread(user, found):
            found = None
    if found is None:
        raise Http404("No such conversation.")
    return found


@dataclass(frozen=True)
class Cursor:
    """A position in a thread, newest first: the messages strictly older than
    (created_at, id). ``encode()`` is opaque to clients."""

    created_at: datetime
    id: int

    def encode(self) -> str:
        raw = f"{self.created_at.isoformat()}|{self.id}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        """The cursor a client sent back; ValidationError on ``before`` if it is not one of ours."""
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
            stamp, _, pk = raw.rpartition("|")
            created_at = parse_datetime(stamp)
            if created_at is None or created_at.tzinfo is None:
                raise ValueError(stamp)
            return cls(created_at=created_at, id=int(pk))
        except (ValueError, UnicodeDecodeError, binascii.Error):
            raise ValidationError({"before": gettext("This is not a position in the conversation.")}) from None


@dataclass(frozen=True)
class MessagesPage:
    messages: list[Message]  # newest first
    next_cursor: Cursor | None  # older messages remain: ask with before=next_cursor


def messages_page(thread: Thread, *, before: Cursor | None = None, limit: int = DEFAULT_PAGE) -> MessagesPage:
    """One page of ``thread``'s messages, newest first, older than ``before``
    (keyset paging on (created_at, id): the index message_thread_created_id),
    with authors joined, attachments prefetched and each message's thread set
    to ``thread``: two queries whatever the thread's length. The thread must
    come from thread_for (the caller's scope)."""
    limit = max(1, min(int(limit), MAX_PAGE))
    messages = _newest_first(thread)
    if before is not None:
        messages = messages.filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, id__lt=before.id)
        )
    rows = _in_thread(thread, list(messages[: limit + 1]))
    more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1] if rows else None
    cursor = Cursor(created_at=last.created_at, id=last.pk) if more and last is not None else None
    return MessagesPage(messages=rows, next_cursor=cursor)


def read_states(thread: Thread) -> list[ThreadReadState]:
    """Who has read the thread up to when, by name (for its counselors:
    policy.can_see_read_states). One query."""
    return list(
        ThreadReadState.objects.filter(thread=thread)
        .select_related("user")
        .only("thread", "user", "last_read_at", "user__full_name")
        .order_by("user__full_name", "user_id")
    )


def confidentiality_text() -> tuple[str, str]:
    """(title, Markdown) of the confidentiality policy for couples work shown
    before a partner first writes privately: the practice's published version
    of intake's "couples-confidentiality" document if there is one, else
    messaging's built-in text."""
    version = (
        DocumentVersion.objects.select_related("document")
        .filter(
            document__slug=CONFIDENTIALITY_DOCUMENT_SLUG,
            document__archived=False,
            status=VersionStatus.PUBLISHED,
        )
        .first()
    )
    if version is None:
        return str(texts.CONFIDENTIALITY_TITLE), str(texts.CONFIDENTIALITY_TEXT)
    return version.document.title, version.text


def messages_after(thread: Thread, *, after_id: int, limit: int = DEFAULT_PAGE) -> list[Message]:
    """The thread's messages newer than the message ``after_id`` (the last one
    a page shows), newest first, at most ``limit``: what a live page appends.
    Two queries. The thread must come from thread_for."""
    after = Message.objects.filter(thread=thread, pk=after_id).values("created_at", "id").first()
    messages = _newest_first(thread)
    if after is not None:
        messages = messages.filter(
            Q(created_at__gt=after["created_at"]) | Q(created_at=after["created_at"], id__gt=after["id"])
        )
    return _in_thread(thread, list(messages[:limit]))


_MESSAGE_FIELDS = ("thread", "author", "body", "body_html", "created_at", "edited_at", "deleted_at")


def _newest_first(thread: Thread) -> QuerySet[Message]:
    """The thread's messages, newest first, with what a page shows of them
    joined or prefetched. Of the authors, their name only: turning each row's
    whole user into Python cost the page a third of its reading time."""
    return (
        Message.objects.filter(thread=thread)
        .select_related("author")
        .only(*_MESSAGE_FIELDS, "author__full_name")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("-created_at", "-id")
    )


def _in_thread(thread: Thread, rows: list[Message]) -> list[Message]:
    """Each message's ``thread`` set to the caller's (with its couple loaded),
    so that policy checks per message (can_edit_message reads message.thread
    and its couple) cost no query each."""
    for message in rows:
        message.thread = thread
    return rows


def message_for(user: User, message_id: object) -> Message:
    """A message of a thread ``user`` may read, else 404."""
    scope = policy.thread_scope(user)
    try:
        if scope is None:
            raise Message.DoesNotExist
        return (
            Message.objects.select_related("thread__couple", "author")
            .filter(thread__in=Thread.objects.filter(scope))
            .get(pk=int(str(message_id)))
        )
    except (Message.DoesNotExist, TypeError, ValueError):
        raise Http404("No such message.") from None


def unread_client_messages(counselor: User) -> Any:
    """For the caseload dashboard: per couple (an expression on the Couple
    row), the messages its partners wrote that ``counselor`` has not read
    (after their last read of the thread; deleted ones left out)."""
    read_since = ThreadReadState.objects.filter(
        thread=OuterRef("thread"), user=counselor, last_read_at__gte=OuterRef("created_at")
    )
    unread = (
        Message.objects.filter(thread__couple=OuterRef("pk"), deleted_at__isnull=True)
        .filter(Q(author=OuterRef("partner_one")) | Q(author=OuterRef("partner_two")))
        .exclude(Exists(read_since))
        .order_by()
        .values("thread__couple")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Subquery(unread, output_field=IntegerField())
