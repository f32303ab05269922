"""API shapes of secure messaging. What a message says is in ``body`` (raw
Markdown, "" once deleted) and nowhere else; attachments carry their id,
type, size and download address, never the name they were sent with."""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from messaging.models import MAX_BODY, MAX_SUBJECT, Attachment, Message, Thread, ThreadKind, ThreadReadState
from scheduling.serializers import choice_field


def attachment_url(attachment_id: int) -> str:
    """The page's download view (it checks the policy, like the API's)."""
    return reverse("messaging:attachment", args=[attachment_id])


# The labels are lazy (translated); the API shows the values only.
THREAD_KINDS = cast(list[tuple[str, str]], ThreadKind.choices)


class ThreadSerializer(serializers.ModelSerializer):
    """A conversation as its reader sees it in a list (no message text)."""

    kind = choice_field(THREAD_KINDS, read_only=True)
    unread_count = serializers.IntegerField(read_only=True, help_text=_("Messages of others after my_last_read_at."))
    my_last_read_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text=_("How far the caller has read; null: never opened.")
    )

    class Meta:
        model = Thread
        fields = [
            "id",
            "couple",
            "kind",
            "partner",
            "subject",
            "started_by",
            "created_at",
            "last_message_at",
            "unread_count",
            "my_last_read_at",
        ]
        read_only_fields = fields


class ThreadReadStateSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name", read_only=True)

    class Meta:
        model = ThreadReadState
        fields = ["user", "name", "last_read_at"]
        read_only_fields = fields


class ThreadDetailSerializer(ThreadSerializer):
    """One conversation; its counselors also get who has read it up to when."""

    fields_for_some_callers = ("read_states",)
    read_states = serializers.SerializerMethodField(
        help_text=_("The couple's counselors only: who has read the conversation up to when.")
    )

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "read_states"]
        read_only_fields = fields

    @extend_schema_field(ThreadReadStateSerializer(many=True))
    def get_read_states(self, thread: Thread) -> list[dict[str, Any]] | None:
        states = self.context.get("read_states")
        return None if states is None else list(ThreadReadStateSerializer(states, many=True).data)

    def to_representation(self, instance: Thread) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if self.context.get("read_states") is None:
            data.pop("read_states", None)  # not the caller's to see: the key is left out
        return data


class ThreadCreateSerializer(serializers.Serializer):
    couple = serializers.IntegerField(min_value=1, help_text=_("The couple's id (outside your reach: 404)."))
    kind = choice_field(THREAD_KINDS)
    partner = serializers.IntegerField(
        min_value=1,
        required=False,
        allow_null=True,
        help_text=_("A private conversation's partner: one of the couple's partners (anyone else: 404)."),
    )
    subject = serializers.CharField(max_length=MAX_SUBJECT, required=False, allow_blank=True, default="")
    body = serializers.CharField(max_length=MAX_BODY, help_text=_("The first message, in Markdown."))


class MessageAuthorSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)


class MessageAttachmentSerializer(serializers.ModelSerializer):
    content_type = serializers.CharField(read_only=True, help_text=_("What the file's bytes are (checked at upload)."))
    url = serializers.SerializerMethodField(
        help_text=_(
            "The download in the portal's pages (a signed-in browser). With an API token, use "
            "/api/v1/threads/{thread_pk}/messages/{message_pk}/attachments/{id}/."
        )
    )

    class Meta:
        model = Attachment
        fields = ["id", "content_type", "size", "url"]
        read_only_fields = fields

    def get_url(self, attachment: Attachment) -> str:
        return attachment_url(attachment.pk)


class MessageSerializer(serializers.ModelSerializer):
    author = MessageAuthorSerializer(read_only=True)
    body = serializers.CharField(source="shown_body", read_only=True, help_text=_("Markdown; empty once deleted."))
    attachments = serializers.SerializerMethodField(help_text=_("None once the message is deleted."))

    class Meta:
        model = Message
        fields = ["id", "author", "body", "created_at", "edited_at", "deleted_at", "attachments"]
        read_only_fields = fields

    @extend_schema_field(MessageAttachmentSerializer(many=True))
    def get_attachments(self, message: Message) -> list[dict[str, Any]]:
        return list(MessageAttachmentSerializer(message.shown_attachments, many=True).data)


class MessagesPageSerializer(serializers.Serializer):
    results = MessageSerializer(many=True, read_only=True, help_text=_("Newest first."))
    next = serializers.CharField(
        read_only=True, allow_null=True, help_text=_("Older messages remain: ask again with before=<next>; null: none.")
    )


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "binary"}})
class FilesField(serializers.ListField):
    """Uploaded files, each a part named ``files`` of a multipart/form-data body."""


class MessagePostSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=MAX_BODY,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Markdown. May be empty when a file is attached."),
    )
    files = FilesField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text=_("multipart/form-data only: photos (JPEG, PNG, GIF, WebP) or PDFs, up to 10 MB each."),
    )


class MessageEditSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=MAX_BODY, allow_blank=True, help_text=_("The new Markdown (empty only if files are attached).")
    )


class ThreadReadSerializer(serializers.Serializer):
    last_read_at = serializers.DateTimeField(read_only=True)
