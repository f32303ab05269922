"""The secure messaging API (/api/v1/threads/...).

Thin views over messaging.selectors and messaging.services. A thread is
found only within what the caller may read (selectors.thread_for): another
partner's private thread, another couple's, and any thread for a practice
admin answer 404 like a missing id, on every endpoint under it. A thread
the caller reads but may not write in answers 403 to a post. Staff reads
(a thread, a page of its messages, a file) are audited. Every response to
a signed-in caller is no-store (portal.middleware.NoStoreForLoggedInMiddleware).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from accounts.models import User
from messaging import selectors, services
from messaging.downloads import attachment_for, attachment_response
from messaging.models import ATTACHMENT_TYPES, Attachment, Message, Thread
from messaging.serializers import (
    MessageEditSerializer,
    MessagePostSerializer,
    MessageSerializer,
    MessagesPageSerializer,
    ThreadCreateSerializer,
    ThreadDetailSerializer,
    ThreadReadSerializer,
    ThreadSerializer,
)
from portal import policy
from portal.api import request_user
from portal.schema import DETAIL, error_response

NO_THREAD = "No such conversation."
NOT_ALLOWED_TO_START = OpenApiResponse(
    response=DETAIL,
    description=(
        "The couple is within reach but this conversation is not yours to start: a practice admin, a client "
        "while the practice lets only counselors start, a joint conversation of a couple marked high-conflict, "
        "a closed couple."
    ),
)
NOT_ALLOWED_TO_POST = OpenApiResponse(
    response=DETAIL,
    description=(
        "You read this conversation but may not write in it: the couple is closed, or (a partner) it is the "
        "joint conversation of a couple marked high-conflict."
    ),
)
OUTSIDE_THE_WINDOW = OpenApiResponse(
    response=DETAIL,
    description=(
        "Only the author changes a message, within 5 minutes of sending it, while it is not deleted and they may "
        "still write in the conversation."
    ),
)
BAD_FILES = OpenApiResponse(
    response=error_response("400").response,
    description=(
        "A problem named by field: body (empty without a file, too long), files (each refused file by name: not a "
        "photo or a PDF by its bytes, over 10 MB, empty; at most 10). Nothing is saved."
    ),
)


def _thread(request: Request, thread_pk: object) -> Thread:
    """The thread in the caller's reach, else 404."""
    return selectors.thread_for(request_user(request), thread_pk)


def _message(thread: Thread, message_pk: object) -> Message:
    """A message of this thread (with its thread loaded), else 404."""
    found = Message.objects.select_related("author").filter(thread=thread, pk=int(str(message_pk))).first()
    if found is None:
        raise NotFound(gettext("No such message."))
    found.thread = thread
    return found


def _with_attachments(message: Message) -> Message:
    """The message as the API shows it: author and attachments loaded."""
    return (
        Message.objects.select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .get(pk=message.pk)
    )


class ThreadViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Conversations within the caller's reach, newest conversation first:
    a couple's counselors see all of the couple's, a partner the joint ones
    and their own private ones; a practice admin none."""

    serializer_class = ThreadSerializer

    def get_queryset(self) -> QuerySet[Thread]:
        if getattr(self, "swagger_fake_view", False):  # the schema, built for no one
            return Thread.objects.none()
        return selectors.threads_visible_to(request_user(self.request))

    @extend_schema(responses=ThreadDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> ApiResponse:
        """One conversation; its counselors also see who has read it up to when. A staff read is audited."""
        user = request_user(request)
        thread = _thread(request, pk)
        services.threads_record_access(viewer=user, threads=[thread], view="api-detail")
        context = {"read_states": selectors.read_states(thread) if policy.can_see_read_states(user, thread) else None}
        return ApiResponse(ThreadDetailSerializer(thread, context=context).data)

    @extend_schema(
        request=ThreadCreateSerializer,
        responses={201: ThreadDetailSerializer, 403: NOT_ALLOWED_TO_START, 404: error_response("404")},
    )
    def create(self, request: Request) -> ApiResponse:
        """Start a conversation with its first message: joint (both partners) or
        private (one partner). A couple or a partner outside your reach answers
        404 like a missing id."""
        user = request_user(request)
        serializer = ThreadCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        couple = policy.couple_for(user, data["couple"])
        partner: User | None = None
        if data.get("partner") is not None:
            partner = next((p for p in couple.partners if p.pk == data["partner"]), None)
            if partner is None:
                raise NotFound(gettext("No such partner."))
        thread = services.thread_start(
            actor=user,
            couple=couple,
            kind=data["kind"],
            partner=partner,
            subject=data["subject"],
            body=data["body"],
        )
        created = selectors.thread_for(user, thread.pk)
        context = {"read_states": selectors.read_states(created) if policy.can_see_read_states(user, created) else None}
        return ApiResponse(ThreadDetailSerializer(created, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ThreadReadSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> ApiResponse:
        """Mark the conversation read up to now (never moved back)."""
        state = services.thread_mark_read(user=request_user(request), thread=_thread(request, pk))
        return ApiResponse(ThreadReadSerializer(state).data)


class MessageViewSet(viewsets.GenericViewSet):
    """A conversation's messages: read a page (newest first), write, and
    change or delete your own within 5 minutes."""

    serializer_class = MessageSerializer
    pagination_class = None  # cursor paging: ?before=<next>

    def get_queryset(self) -> QuerySet[Message]:
        return Message.objects.none()  # every lookup goes through the thread (_thread, _message)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "before", str, description="The `next` of the page before: messages older than it. Absent: newest."
            ),
            OpenApiParameter(
                "limit",
                int,
                description=f"How many messages (1 to {selectors.MAX_PAGE}; {selectors.DEFAULT_PAGE} when absent).",
            ),
        ],
        responses=MessagesPageSerializer,
    )
    def list(self, request: Request, thread_pk: str) -> ApiResponse:
        """A page of the conversation's messages, newest first; `next` asks for
        the older ones. A staff read is audited."""
        user = request_user(request)
        thread = _thread(request, thread_pk)
        before_value = request.query_params.get("before")
        before = selectors.Cursor.decode(before_value) if before_value else None
        page = selectors.messages_page(thread, before=before, limit=_limit(request.query_params.get("limit")))
        services.threads_record_access(viewer=user, threads=[thread], view="api-messages")
        body = {
            "results": MessageSerializer(page.messages, many=True).data,
            "next": page.next_cursor.encode() if page.next_cursor else None,
        }
        return ApiResponse(body)

    @extend_schema(
        request={"application/json": MessagePostSerializer, "multipart/form-data": MessagePostSerializer},
        responses={201: MessageSerializer, 400: BAD_FILES, 403: NOT_ALLOWED_TO_POST},
    )
    def create(self, request: Request, thread_pk: str) -> ApiResponse:
        """Write in the conversation: JSON {body}, or multipart/form-data with
        body and files (each part named `files`)."""
        user = request_user(request)
        thread = _thread(request, thread_pk)
        serializer = MessagePostSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        message = services.message_post(actor=user, thread=thread, body=data["body"], files=data["files"])
        return ApiResponse(MessageSerializer(_with_attachments(message)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MessageEditSerializer, responses={200: MessageSerializer, 403: OUTSIDE_THE_WINDOW})
    def partial_update(self, request: Request, thread_pk: str, pk: str) -> ApiResponse:
        """Change your message's text within 5 minutes of sending it (the earlier text is kept for the audit)."""
        user = request_user(request)
        message = _message(_thread(request, thread_pk), pk)
        serializer = MessageEditSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        edited = services.message_edit(actor=user, message=message, body=serializer.validated_data["body"])
        return ApiResponse(MessageSerializer(_with_attachments(edited)).data)

    @extend_schema(request=None, responses={204: None, 403: OUTSIDE_THE_WINDOW})
    def destroy(self, request: Request, thread_pk: str, pk: str) -> ApiResponse:
        """Delete your message within 5 minutes of sending it: it stays, shown
        as deleted, without its text or files (kept for the audit)."""
        message = _message(_thread(request, thread_pk), pk)
        services.message_delete(actor=request_user(request), message=message)
        return ApiResponse(status=status.HTTP_204_NO_CONTENT)


def _limit(value: str | None) -> int:
    if value is None:
        return selectors.DEFAULT_PAGE
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= selectors.MAX_PAGE:
        raise ValidationError(
            {"limit": [gettext("Give a whole number from 1 to %(most)d.") % {"most": selectors.MAX_PAGE}]}
        )
    return int(value)


class AttachmentView(APIView):
    """A message's file, for whoever reads the conversation."""

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A client asking for the file's own type gets it; errors fall back to JSON.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="threads_messages_attachments_retrieve",
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in ATTACHMENT_TYPES},
    )
    def get(self, request: Request, thread_pk: str, message_pk: str, pk: str) -> FileResponse:
        """The file as sent, with the type its bytes were checked to be; anything
        but an image comes as a download. A staff download is audited."""
        user = request_user(request)
        thread = _thread(request, thread_pk)
        attachment = attachment_for(user, pk, thread=thread, message_id=message_pk)
        return attachment_response(user, attachment, view="api")
