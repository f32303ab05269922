"""Secure messaging between a couple's counselors and the couple.

A couple has conversations (threads) of two kinds: joint (the couple's
counselors and both partners) and private (the counselors and one partner,
``Thread.partner``). A couple may have several of each: a counselor may
start more than one conversation.

A message is never removed: an edit or a deletion by its author (within
five minutes, portal.policy.can_edit_message) keeps the earlier text in a
MessageRevision, for the audit only, never shown to clients; a deleted
message keeps its row with its body blanked (``message_deleted_has_no_body``).

Attachments are files in Django's default storage under a path nobody can
guess (``messages/<year>/<month>/<uuid>``); they are served only by a view
that checks the policy. Their type is what their bytes say
(messaging.attachments), never what their name says.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exercises.markdown import render_markdown
from portal.crypto import EncryptedTextField
from portal.crypto_storage import encrypted_storage

# The limits every path shares (services and attachments read them from here).
MAX_SUBJECT = 120
MAX_BODY = 5000
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ORIGINAL_NAME = 200
# What the bytes of an attachment may be (messaging.attachments detects it).
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf")


class ThreadKind(models.TextChoices):
    JOINT = "joint", _("Joint (both partners)")
    PRIVATE = "private", _("Private (one partner)")


class Thread(models.Model):
    couple = models.ForeignKey("accounts.Couple", on_delete=models.CASCADE, related_name="threads")
    kind = models.CharField(max_length=10, choices=ThreadKind.choices)
    # The partner of a private thread; null for a joint one.
    partner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="private_threads"
    )
    subject = models.CharField(max_length=MAX_SUBJECT, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    # Set by every post; lists are ordered by it (newest conversation first).
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = [F("last_message_at").desc(nulls_last=True), "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ThreadKind.values), name="thread_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=ThreadKind.PRIVATE) & Q(partner__isnull=False))
                | (Q(kind=ThreadKind.JOINT) & Q(partner__isnull=True)),
                name="thread_private_iff_partner",
            ),
        ]
        indexes = [
            # A couple's threads, newest conversation first (counselor's and
            # partners' lists are a filter on couple, then this order).
            models.Index(F("couple"), F("last_message_at").desc(), name="thread_couple_last_message"),
        ]

    def __str__(self) -> str:
        label = self.subject or "Conversation"
        return f"{label} ({self.get_kind_display().lower()}, couple {self.couple_id})"

    @property
    def is_private(self) -> bool:
        return self.kind == ThreadKind.PRIVATE


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Markdown, at most MAX_BODY characters (checked by the services); blank
    # once deleted (the text is then in a MessageRevision). Encrypted in its
    # column (portal.crypto, docs/encryption.md): never searched in SQL.
    body = EncryptedTextField(blank=True)
    # The text rendered from Markdown and cleaned (exercises.markdown), kept
    # with it by save(): a page of 50 messages rendered them on every view
    # (most of its time, bench/messaging.py). Encrypted like the body.
    body_html = EncryptedTextField(blank=True, default="", editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(body=""), name="message_deleted_has_no_body"
            ),
            models.CheckConstraint(
                condition=Q(edited_at__isnull=True) | Q(edited_at__gte=F("created_at")),
                name="message_edited_after_created",
            ),
            models.CheckConstraint(
                condition=Q(deleted_at__isnull=True) | Q(deleted_at__gte=F("created_at")),
                name="message_deleted_after_created",
            ),
        ]
        indexes = [
            # Keyset paging of a thread, newest first (selectors.messages_page),
            # and the unread counts (messages of a thread after a time).
            models.Index(F("thread"), F("created_at").desc(), F("id").desc(), name="message_thread_created_id"),
        ]

    def __str__(self) -> str:
        state = " (deleted)" if self.deleted_at else " (edited)" if self.edited_at else ""
        return f"Message {self.pk} in thread {self.thread_id} by user {self.author_id}{state}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.body_html = str(render_markdown(self.body)) if self.body else ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    @property
    def shown_html(self) -> SafeString:
        """The rendered text to show: nothing of a deleted message. Cleaned when it was saved."""
        return mark_safe("" if self.deleted_at else self.body_html)  # noqa: S308 - nh3-cleaned at save

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def shown_body(self) -> str:
        """What anyone is shown: nothing of a deleted message."""
        return "" if self.deleted_at else self.body

    @property
    def shown_attachments(self) -> list[Attachment]:
        """The attachments to show (none for a deleted message), read from the prefetch."""
        return [] if self.deleted_at else list(self.attachments.all())


class RevisionReason(models.TextChoices):
    EDITED = "edited", pgettext_lazy("a message", "Edited")
    DELETED = "deleted", pgettext_lazy("a message", "Deleted")


class MessageRevision(models.Model):
    """The text a message had before an edit or a deletion: for the audit, never shown to clients."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = EncryptedTextField(blank=True)
    replaced_at = models.DateTimeField(default=timezone.now)
    reason = models.CharField(max_length=10, choices=RevisionReason.choices)

    class Meta:
        ordering = ["message", "replaced_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(reason__in=RevisionReason.values), name="message_revision_reason_valid"),
        ]
        indexes = [models.Index(fields=["message", "replaced_at"], name="message_revision_message_time")]

    def __str__(self) -> str:
        return f"Revision of message {self.message_id} ({self.reason}, {self.replaced_at:%Y-%m-%d %H:%M})"


class ThreadReadState(models.Model):
    """How far a person has read a thread: everything created up to ``last_read_at``."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_at = models.DateTimeField()

    class Meta:
        ordering = ["thread", "user"]
        # The unique index serves the unread counts' lookup (thread, viewer).
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="thread_read_state_one_per_user")]

    def __str__(self) -> str:
        return f"User {self.user_id} read thread {self.thread_id} up to {self.last_read_at:%Y-%m-%d %H:%M}"


def attachment_path(instance: Attachment | None, filename: str) -> str:
    """A path that says nothing of the file and cannot be guessed; the name
    given at upload is kept in ``original_name`` only."""
    now = timezone.now()
    return f"messages/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    # Encrypted in storage (portal.crypto_storage): opening it reads the plain bytes.
    file = models.FileField(upload_to=attachment_path, max_length=200, storage=encrypted_storage)
    original_name = models.CharField(max_length=MAX_ORIGINAL_NAME)
    # Detected from the bytes (messaging.attachments), not from the name.
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["message", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0) & Q(size__lte=MAX_ATTACHMENT_BYTES), name="attachment_size_within_limit"
            ),
            models.CheckConstraint(condition=Q(content_type__in=ATTACHMENT_TYPES), name="attachment_type_allowed"),
        ]

    def __str__(self) -> str:
        return f"Attachment {self.pk} of message {self.message_id} ({self.content_type}, {self.size} bytes)"

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class MessagingSettings(models.Model):
    """The practice's messaging rules: one row (pk 1), edited in the admin."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    clients_may_start_threads = models.BooleanField(
        _("clients may start conversations"),
        default=False,
        help_text=_("Off: clients reply to what a counselor started (keeps messaging from becoming therapy by text)."),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("messaging settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="messaging_settings_singleton")]

    def __str__(self) -> str:
        return str(_("Messaging settings"))

    @classmethod
    def load(cls) -> MessagingSettings:
        found = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        return found or cls(pk=cls.SINGLETON_PK)
