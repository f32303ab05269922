"""The audit trail: every action an audit row can record (AuditAction) and
the rows themselves (AuditEvent), chained by accounts.audit_chain."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.audit_chain import AuditEventImmutable, AuditEventQuerySet, chain


class AuditAction(models.TextChoices):
    """Every action an audit row can record: the one list, so a typo is a
    type error and the audit page's filter names them all."""

    # Accounts and couples
    COUPLE_CREATED = "couple.created", _("Couple created")
    COUPLE_STATUS_CHANGED = "couple.status_changed", _("Couple status changed")
    COUPLE_HIGH_CONFLICT_SET = "couple.high_conflict_set", _("High-conflict setting changed")
    INVITATION_CREATED = "invitation.created", _("Invitation created")
    INVITATION_RESENT = "invitation.resent", _("Invitation resent")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    INVITATION_HELD = "invitation.held", _("Invitation held for the front desk")
    INVITATION_HOLD_RESOLVED = "invitation.hold_resolved", _("Held invitation sorted out")
    USER_PROFILE_UPDATED = "user.profile_updated", _("Profile updated")
    # Staff management (practice admins)
    STAFF_INVITED = "staff.invited", _("Counselor invited")
    STAFF_DETAILS_CHANGED = "staff.details_changed", _("Counselor name or time zone changed")
    STAFF_DEACTIVATED = "staff.deactivated", _("Counselor deactivated")
    COUPLE_REASSIGNED = "couple.reassigned", _("Couple moved to another counselor")
    # Exercises
    EXERCISE_TEMPLATE_CREATED = "exercise_template.created", _("Exercise template created")
    EXERCISE_TEMPLATE_UPDATED = "exercise_template.updated", _("Exercise template updated")
    EXERCISE_TEMPLATE_COPIED = "exercise_template.copied", _("Exercise template copied")
    ASSIGNMENT_CREATED = "assignment.created", _("Exercise assigned")
    ASSIGNMENT_ACTIVE = "assignment.active", _("Assignment resumed")
    ASSIGNMENT_PAUSED = "assignment.paused", _("Assignment paused")
    ASSIGNMENT_ENDED = "assignment.ended", _("Assignment ended")
    ASSIGNMENT_NOTE_UPDATED = "assignment.note_updated", _("Assignment note updated")
    RESPONSE_SUBMITTED = "response.submitted", _("Answer submitted")
    RESPONSE_EDITED = "response.edited", _("Answer edited")
    RESPONSE_REVIEWED = "response.reviewed", _("Answer reviewed")
    RESPONSE_VIEWED = "response.viewed", _("Answer read")
    RITUAL_SUMMARY_VIEWED = "ritual.summary_viewed", _("Ritual summary read")
    EXERCISE_COMMENT_ADDED = "exercise_comment.added", _("Comment added")
    # Progress
    MEASURE_CREATED = "measure.created", _("Measure created")
    MEASURE_ASSIGNED = "measure.assigned", _("Measure assigned")
    MEASURE_SCORES_VIEWED = "measure_scores.viewed", _("Measure scores read")
    # Scheduling
    LOCATION_CREATED = "location.created", _("Location created")
    LOCATION_UPDATED = "location.updated", _("Location updated")
    LOCATION_HOURS_SET = "location.hours_set", _("Opening hours set")
    LOCATION_DEACTIVATED = "location.deactivated", _("Location deactivated")
    LOCATION_ACTIVATED = "location.activated", _("Location activated")
    COUNSELOR_PROFILE_SAVED = "counselor_profile.saved", _("Counselor profile saved")
    COUNSELOR_PHOTO_CHANGED = "counselor_photo.changed", _("Counselor photo changed")
    WORKING_HOURS_SET = "working_hours.set", _("Working hours set")
    TIME_OFF_ADDED = "time_off.added", _("Time off added")
    TIME_OFF_REMOVED = "time_off.removed", _("Time off removed")
    APPOINTMENT_BOOKED = "appointment.booked", _("Appointment booked")
    APPOINTMENT_REQUESTED = "appointment.requested", _("Appointment requested")
    APPOINTMENT_CONFIRMED = "appointment.confirmed", _("Appointment confirmed")
    APPOINTMENT_DECLINED = "appointment.declined", _("Appointment declined")
    APPOINTMENT_RESCHEDULED = "appointment.rescheduled", _("Appointment rescheduled")
    APPOINTMENT_CANCELLED = "appointment.cancelled", _("Appointment cancelled")
    APPOINTMENT_COMPLETED = "appointment.completed", _("Appointment completed")
    APPOINTMENT_NO_SHOW = "appointment.no_show", _("Appointment marked no-show")
    APPOINTMENT_HOURS_OVERRIDDEN = "appointment.hours_overridden", _("Booked outside working hours")
    APPOINTMENT_TELEHEALTH_REMOVED = "appointment.telehealth_removed", _("Video link removed")
    APPOINTMENT_CLIENT_CONFIRMED = "appointment.client_confirmed", _("Attendance confirmed by the client")
    APPOINTMENT_SERIES_BOOKED = "appointment_series.booked", _("Appointment series booked")
    APPOINTMENT_COUNSELOR_CHANGED = "appointment.counselor_changed", _("Appointment moved to another counselor")
    INTAKE_REQUEST_CREATED = "intake_request.created", _("Request from a new client")
    INTAKE_REQUEST_COUPLE_INVITED = "intake_request.couple_invited", _("New clients invited")
    CALENDAR_FEED_ENABLED = "calendar_feed.enabled", _("Calendar feed turned on")
    CALENDAR_FEED_REGENERATED = "calendar_feed.regenerated", _("Calendar feed link replaced")
    CALENDAR_FEED_REVOKED = "calendar_feed.revoked", _("Calendar feed turned off")
    # Documents and consent (intake)
    DOCUMENT_CREATED = "document.created", _("Document created")
    DOCUMENT_VERSION_DRAFTED = "document_version.drafted", _("Document draft saved")
    DOCUMENT_VERSION_PUBLISHED = "document_version.published", _("Document version published")
    SIGNATURE_CREATED = "signature.created", _("Document signed")
    SIGNATURE_REVOKED = "signature.revoked", _("Signature revoked")
    SIGNATURE_VIEWED = "signature.viewed", _("Signature read by staff")
    INTAKE_PACKET_CREATED = "intake_packet.created", _("Intake packet prepared")
    INTAKE_PACKET_CHANGED = "intake_packet.changed", _("Intake packet adjusted")
    INTAKE_DEFAULT_CHANGED = "intake_default.changed", _("Default intake packet changed")
    INTAKE_HOLD_OVERRIDDEN = "intake_hold.overridden", _("First appointment confirmed without complete paperwork")
    # Safety (per partner, seen by their counselors only)
    SAFETY_MODE_CHANGED = "safety_mode.changed", _("Safety mode changed")
    RISK_FLAG_RAISED = "risk_flag.raised", _("Safety screen flag raised")
    RISK_FLAG_REVIEWED = "risk_flag.reviewed", _("Safety screen flag reviewed")
    # Secure messaging (ids only in the details, never a message's text or a file's name)
    THREAD_STARTED = "thread.started", _("Conversation started")
    MESSAGE_POSTED = "message.posted", _("Message sent")
    MESSAGE_EDITED = "message.edited", _("Message edited")
    MESSAGE_DELETED = "message.deleted", _("Message deleted")
    THREAD_VIEWED = "thread.viewed", _("Thread read by staff")
    ATTACHMENT_DOWNLOADED = "attachment.downloaded", _("Attachment downloaded")
    # A person's own record (right of access): downloaded by the client, or exported for them by staff
    RECORD_EXPORTED = "record.exported", _("Personal record exported")
    # Retention: what is kept, for how long, and what was erased when it ran out
    RETENTION_CHANGED = "retention.changed", _("Retention period changed")
    CONTENT_ERASED = "couple.content_erased", _("Clinical content erased after retention")
    ACCOUNT_CLOSURE_REQUESTED = "account_closure.requested", _("Account closure requested")
    ACCOUNT_CLOSURE_DECIDED = "account_closure.decided", _("Account closure request decided")
    # Reminders
    REMINDER_RESENT = "reminder.resent", _("Reminder resent")
    NOTIFICATION_PREFERENCES_UPDATED = "notification_preferences.updated", _("Notification settings changed")
    NOTIFICATION_PREFERENCES_UNSUBSCRIBED = "notification_preferences.unsubscribed", _("Unsubscribed from an e-mail")


class AuditEvent(models.Model):
    """Who changed or read what sensitive data, when. Written by the service
    functions through accounts.services.audit_record(_many), only ever added
    to: each row is chained to the one before it (``sequence`` 1, 2, 3...,
    ``row_hash`` the SHA-256 of its content and of the previous row's hash,
    given in the inserting transaction by accounts.audit_chain) and
    ``manage.py audit_verify`` finds the first row changed, deleted or slipped
    in. Saving an existing row, update() and delete() raise
    AuditEventImmutable; on PostgreSQL triggers refuse UPDATE and DELETE. A
    user with audit rows cannot be deleted (the actor key is kept, nothing is
    set to null): users are deactivated."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sequence = models.BigIntegerField(unique=True, editable=False)
    row_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            # The audit page filtered by one action, newest first: without it a
            # rare action meant reading the whole log (1.3 million rows, 152 ms).
            models.Index(fields=["action", "created_at"], name="auditevent_action_created"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AuditEventImmutable()
        using = kwargs.get("using") or router.db_for_write(AuditEvent, instance=self)
        with transaction.atomic(using=using, savepoint=False):
            chain([self], using=using)
            super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutable()
