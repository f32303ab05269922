"""The audit trail: every action an audit row can record (AuditAction) and
the rows themselves (AuditEvent), chained by accounts.audit_chain."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone

from accounts.audit_chain import AuditEventImmutable, AuditEventQuerySet, chain


class AuditAction(models.TextChoices):
    """Every action an audit row can record: the one list, so a typo is a
    type error and the audit page's filter names them all."""

    # Accounts and couples
    COUPLE_CREATED = "couple.created", "Couple created"
    COUPLE_STATUS_CHANGED = "couple.status_changed", "Couple status changed"
    COUPLE_HIGH_CONFLICT_SET = "couple.high_conflict_set", "High-conflict setting changed"
    INVITATION_CREATED = "invitation.created", "Invitation created"
    INVITATION_RESENT = "invitation.resent", "Invitation resent"
    INVITATION_ACCEPTED = "invitation.accepted", "Invitation accepted"
    INVITATION_HELD = "invitation.held", "Invitation held for the front desk"
    INVITATION_HOLD_RESOLVED = "invitation.hold_resolved", "Held invitation sorted out"
    USER_PROFILE_UPDATED = "user.profile_updated", "Profile updated"
    # Staff management (practice admins)
    STAFF_INVITED = "staff.invited", "Counselor invited"
    STAFF_DETAILS_CHANGED = "staff.details_changed", "Counselor name or time zone changed"
    STAFF_DEACTIVATED = "staff.deactivated", "Counselor deactivated"
    COUPLE_REASSIGNED = "couple.reassigned", "Couple moved to another counselor"
    # Exercises
    EXERCISE_TEMPLATE_CREATED = "exercise_template.created", "Exercise template created"
    EXERCISE_TEMPLATE_UPDATED = "exercise_template.updated", "Exercise template updated"
    EXERCISE_TEMPLATE_COPIED = "exercise_template.copied", "Exercise template copied"
    ASSIGNMENT_CREATED = "assignment.created", "Exercise assigned"
    ASSIGNMENT_ACTIVE = "assignment.active", "Assignment resumed"
    ASSIGNMENT_PAUSED = "assignment.paused", "Assignment paused"
    ASSIGNMENT_ENDED = "assignment.ended", "Assignment ended"
    ASSIGNMENT_NOTE_UPDATED = "assignment.note_updated", "Assignment note updated"
    RESPONSE_SUBMITTED = "response.submitted", "Answer submitted"
    RESPONSE_EDITED = "response.edited", "Answer edited"
    RESPONSE_REVIEWED = "response.reviewed", "Answer reviewed"
    RESPONSE_VIEWED = "response.viewed", "Answer read"
    RITUAL_SUMMARY_VIEWED = "ritual.summary_viewed", "Ritual summary read"
    EXERCISE_COMMENT_ADDED = "exercise_comment.added", "Comment added"
    # Progress
    MEASURE_CREATED = "measure.created", "Measure created"
    MEASURE_ASSIGNED = "measure.assigned", "Measure assigned"
    MEASURE_SCORES_VIEWED = "measure_scores.viewed", "Measure scores read"
    # Scheduling
    LOCATION_CREATED = "location.created", "Location created"
    LOCATION_UPDATED = "location.updated", "Location updated"
    LOCATION_HOURS_SET = "location.hours_set", "Opening hours set"
    LOCATION_DEACTIVATED = "location.deactivated", "Location deactivated"
    LOCATION_ACTIVATED = "location.activated", "Location activated"
    COUNSELOR_PROFILE_SAVED = "counselor_profile.saved", "Counselor profile saved"
    COUNSELOR_PHOTO_CHANGED = "counselor_photo.changed", "Counselor photo changed"
    WORKING_HOURS_SET = "working_hours.set", "Working hours set"
    TIME_OFF_ADDED = "time_off.added", "Time off added"
    TIME_OFF_REMOVED = "time_off.removed", "Time off removed"
    APPOINTMENT_BOOKED = "appointment.booked", "Appointment booked"
    APPOINTMENT_REQUESTED = "appointment.requested", "Appointment requested"
    APPOINTMENT_CONFIRMED = "appointment.confirmed", "Appointment confirmed"
    APPOINTMENT_DECLINED = "appointment.declined", "Appointment declined"
    APPOINTMENT_RESCHEDULED = "appointment.rescheduled", "Appointment rescheduled"
    APPOINTMENT_CANCELLED = "appointment.cancelled", "Appointment cancelled"
    APPOINTMENT_COMPLETED = "appointment.completed", "Appointment completed"
    APPOINTMENT_NO_SHOW = "appointment.no_show", "Appointment marked no-show"
    APPOINTMENT_HOURS_OVERRIDDEN = "appointment.hours_overridden", "Booked outside working hours"
    APPOINTMENT_TELEHEALTH_REMOVED = "appointment.telehealth_removed", "Video link removed"
    APPOINTMENT_CLIENT_CONFIRMED = "appointment.client_confirmed", "Attendance confirmed by the client"
    APPOINTMENT_SERIES_BOOKED = "appointment_series.booked", "Appointment series booked"
    APPOINTMENT_COUNSELOR_CHANGED = "appointment.counselor_changed", "Appointment moved to another counselor"
    INTAKE_REQUEST_CREATED = "intake_request.created", "Request from a new client"
    INTAKE_REQUEST_COUPLE_INVITED = "intake_request.couple_invited", "New clients invited"
    CALENDAR_FEED_ENABLED = "calendar_feed.enabled", "Calendar feed turned on"
    CALENDAR_FEED_REGENERATED = "calendar_feed.regenerated", "Calendar feed link replaced"
    CALENDAR_FEED_REVOKED = "calendar_feed.revoked", "Calendar feed turned off"
    # Documents and consent (intake)
    DOCUMENT_CREATED = "document.created", "Document created"
    DOCUMENT_VERSION_DRAFTED = "document_version.drafted", "Document draft saved"
    DOCUMENT_VERSION_PUBLISHED = "document_version.published", "Document version published"
    SIGNATURE_CREATED = "signature.created", "Document signed"
    SIGNATURE_REVOKED = "signature.revoked", "Signature revoked"
    SIGNATURE_VIEWED = "signature.viewed", "Signature read by staff"
    INTAKE_PACKET_CREATED = "intake_packet.created", "Intake packet prepared"
    INTAKE_PACKET_CHANGED = "intake_packet.changed", "Intake packet adjusted"
    INTAKE_DEFAULT_CHANGED = "intake_default.changed", "Default intake packet changed"
    INTAKE_HOLD_OVERRIDDEN = "intake_hold.overridden", "First appointment confirmed without complete paperwork"
    # Safety (per partner, seen by their counselors only)
    SAFETY_MODE_CHANGED = "safety_mode.changed", "Safety mode changed"
    RISK_FLAG_RAISED = "risk_flag.raised", "Safety screen flag raised"
    RISK_FLAG_REVIEWED = "risk_flag.reviewed", "Safety screen flag reviewed"
    # Secure messaging (ids only in the details, never a message's text or a file's name)
    THREAD_STARTED = "thread.started", "Conversation started"
    MESSAGE_POSTED = "message.posted", "Message sent"
    MESSAGE_EDITED = "message.edited", "Message edited"
    MESSAGE_DELETED = "message.deleted", "Message deleted"
    THREAD_VIEWED = "thread.viewed", "Thread read by staff"
    ATTACHMENT_DOWNLOADED = "attachment.downloaded", "Attachment downloaded"
    # A person's own record (right of access): downloaded by the client, or exported for them by staff
    RECORD_EXPORTED = "record.exported", "Personal record exported"
    # Retention: what is kept, for how long, and what was erased when it ran out
    RETENTION_CHANGED = "retention.changed", "Retention period changed"
    CONTENT_ERASED = "couple.content_erased", "Clinical content erased after retention"
    ACCOUNT_CLOSURE_REQUESTED = "account_closure.requested", "Account closure requested"
    ACCOUNT_CLOSURE_DECIDED = "account_closure.decided", "Account closure request decided"
    # Reminders
    REMINDER_RESENT = "reminder.resent", "Reminder resent"
    NOTIFICATION_PREFERENCES_UPDATED = "notification_preferences.updated", "Notification settings changed"
    NOTIFICATION_PREFERENCES_UNSUBSCRIBED = "notification_preferences.unsubscribed", "Unsubscribed from an e-mail"


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
