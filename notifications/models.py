"""Reminders (the schedule of what to tell whom, and when), each person's
notification preferences, and the in-app notifications behind the bell.

The schedule is the database: a Reminder row is created ahead of time with
the moment it is due, and a sweep that runs every 15 seconds hands due rows to
delivery tasks. Nothing waits in the broker with an ETA.

What a reminder is about
------------------------
``object_key`` names the thing, as text: ``occurrence:<id>`` for an exercise
occurrence, ``week:<ISO year>-W<week>`` for a counselor's weekly digest, and,
once scheduling's Appointment exists, ``appointment:<id>:<lead>`` (one per
lead time, e.g. 24h and 2h). The unique constraint (recipient, kind,
object_key) makes a second reminder for the same thing impossible whatever
the kind of object, including those that are no row at all (a week).

Alongside it, a typed nullable foreign key per kind of row
(``occurrence`` now, ``appointment`` later, added by a migration) gives
referential integrity and joins: deleting an occurrence deletes its
reminders, and a check constraint ties the key to the foreign key, so the two
never disagree. We chose this over a generic (content type, object id) pair
because a generic relation has no foreign key in the database: no cascade,
no join, and no way for a constraint to check it.

Messages: a plain id, no foreign key
------------------------------------
A ``message_received`` notice is about a conversation of messaging, which
comes after notifications in the app order: a foreign key to its Thread
would make this app's models and migrations depend on a later app. Such a
reminder carries the thread's id in ``thread_id``, a plain integer column,
and its key is ``thread:<thread id>:<id of the burst's first message>``
(a check constraint keeps the two in step). The column is what lets the
database hold the rule that a burst of messages sends one e-mail: at most
one *pending* notice per person and thread (a partial unique constraint, as
for ``appointment_changed``); the next burst, after that one went or was
cancelled, gets a key of its own. Threads are never deleted on their own
(only with their couple, whose partners are protected), so a notice cannot
outlive its thread in practice; if one did, its link would answer 404.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReminderKind(models.TextChoices):
    EXERCISE_DUE_SOON = "exercise_due_soon", _("Exercise due soon")
    EXERCISE_OVERDUE = "exercise_overdue", _("Exercise overdue")
    PARTNER_FINISHED = "partner_finished", _("Your partner has finished")
    WEEKLY_DIGEST = "weekly_digest", _("Counselor's weekly digest")
    APPOINTMENT_REMINDER = "appointment_reminder", _("Appointment reminder")
    APPOINTMENT_CHANGED = "appointment_changed", _("Appointment changed")
    APPOINTMENT_REQUESTED = "appointment_requested", _("Appointment requested")
    INTAKE_REQUESTED = "intake_requested", _("New-client request")
    INTAKE_PAPERWORK = "intake_paperwork", _("Forms to complete before the first session")
    MESSAGE_RECEIVED = "message_received", _("New message")


# Kinds about one exercise occurrence (they carry its foreign key).
OCCURRENCE_KINDS = (ReminderKind.EXERCISE_DUE_SOON, ReminderKind.EXERCISE_OVERDUE, ReminderKind.PARTNER_FINISHED)
# Kinds about one appointment (they carry its foreign key; their key starts
# with ``appointment:<id>:``).
APPOINTMENT_KINDS = (
    ReminderKind.APPOINTMENT_REMINDER,
    ReminderKind.APPOINTMENT_CHANGED,
    ReminderKind.APPOINTMENT_REQUESTED,
)


class ReminderState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("reminder state", "Pending")
    SENDING = "sending", pgettext_lazy("reminder state", "Sending")
    SENT = "sent", pgettext_lazy("reminder state", "Sent")
    FAILED = "failed", pgettext_lazy("reminder state", "Failed")
    CANCELLED = "cancelled", pgettext_lazy("reminder state", "Cancelled")


def occurrence_key(occurrence_id: int) -> str:
    return f"occurrence:{occurrence_id}"


def appointment_key(appointment_id: int, suffix: str) -> str:
    """``appointment:<id>:24h`` (a reminder, by lead time), ``:requested``,
    ``:change-<n>`` (a coalesced change notice, n = the appointment's sequence
    when it was first planned)."""
    return f"appointment:{appointment_id}:{suffix}"


def message_key(thread_id: int, first_message_id: int) -> str:
    """``thread:<id>:<first message of the burst>``: one e-mail per burst."""
    return f"thread:{thread_id}:{first_message_id}"


class Reminder(models.Model):
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    # No index of its own: the unique (recipient, kind, object_key) leads with
    # it. Every index costs each of a reminder's three state changes.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    object_key = models.CharField(max_length=64, help_text="What it is about: occurrence:<id>, week:<yyyy-Www>, …")
    occurrence = models.ForeignKey(
        "exercises.Occurrence", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    # A message_received notice's conversation (messaging's Thread): no
    # foreign key, see the module's docstring.
    thread_id = models.PositiveBigIntegerField(null=True, blank=True)
    due_at = models.DateTimeField(help_text="When to send (UTC), already moved out of the recipient's quiet hours.")
    # After this the reminder is pointless (a due-soon reminder after the due
    # time): the sweep cancels it instead of sending it late.
    expires_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ReminderState.choices, default=ReminderState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # While sending: who holds the reminder (the delivery task's id; empty
    # between the sweep's claim and a task taking it) and until when. A lease
    # that runs out (a killed worker, a lost message) lets the sweep hand the
    # reminder out again.
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False, help_text="False when sent in the portal only (e-mail turned off).")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "kind", "object_key"], name="reminder_once_per_object_kind"),
            models.CheckConstraint(condition=Q(kind__in=ReminderKind.values), name="reminder_kind_valid"),
            models.CheckConstraint(condition=Q(state__in=ReminderState.values), name="reminder_state_valid"),
            models.CheckConstraint(condition=~Q(object_key=""), name="reminder_object_key_set"),
            # An occurrence's reminder names it in its key, and only then.
            models.CheckConstraint(
                condition=(
                    Q(kind__in=OCCURRENCE_KINDS)
                    & Q(occurrence__isnull=False)
                    & Q(object_key=Concat(models.Value("occurrence:"), Cast("occurrence_id", models.TextField())))
                )
                | (~Q(kind__in=OCCURRENCE_KINDS) & Q(occurrence__isnull=True)),
                name="reminder_occurrence_matches_key",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind__in=APPOINTMENT_KINDS)
                    & Q(appointment__isnull=False)
                    & Q(
                        object_key__startswith=Concat(
                            models.Value("appointment:"),
                            Cast("appointment_id", models.TextField()),
                            models.Value(":"),
                            output_field=models.TextField(),
                        )
                    )
                )
                | (~Q(kind__in=APPOINTMENT_KINDS) & Q(appointment__isnull=True)),
                name="reminder_appointment_matches_key",
            ),
            # Changes to one appointment within a few minutes make one notice:
            # at most one pending change notice per person and appointment.
            models.UniqueConstraint(
                fields=["recipient", "appointment"],
                condition=Q(kind="appointment_changed", state="pending"),
                name="reminder_one_pending_change_notice",
            ),
            # A message notice names its thread in its key, and only it has one.
            models.CheckConstraint(
                condition=(
                    Q(kind="message_received")
                    & Q(thread_id__isnull=False)
                    & Q(
                        object_key__startswith=Concat(
                            models.Value("thread:"),
                            Cast("thread_id", models.TextField()),
                            models.Value(":"),
                            output_field=models.TextField(),
                        )
                    )
                )
                | (~Q(kind="message_received") & Q(thread_id__isnull=True)),
                name="reminder_thread_matches_key",
            ),
            # Messages in a thread within a few minutes make one e-mail: at
            # most one pending message notice per person and thread.
            models.UniqueConstraint(
                fields=["recipient", "thread_id"],
                condition=Q(kind="message_received", state="pending"),
                name="reminder_one_pending_message_notice",
            ),
            models.CheckConstraint(
                condition=Q(state=ReminderState.SENT, sent_at__isnull=False)
                | (~Q(state=ReminderState.SENT) & Q(sent_at__isnull=True)),
                name="reminder_sent_at_iff_sent",
            ),
            models.CheckConstraint(
                condition=Q(state=ReminderState.SENDING, lease_expires_at__isnull=False)
                | (~Q(state=ReminderState.SENDING) & Q(lease_expires_at__isnull=True)),
                name="reminder_lease_iff_sending",
            ),
        ]
        indexes = [
            # The sweep's two questions: what is due, and whose lease ran out.
            # (time, id): the sweep's ORDER BY ... LIMIT reads the index in
            # order, without sorting every row due at the same moment.
            models.Index(fields=["due_at", "id"], condition=Q(state="pending"), name="reminder_pending_due_id"),
            models.Index(
                fields=["lease_expires_at", "id"], condition=Q(state="sending"), name="reminder_sending_lease_id"
            ),
            # The failed-reminders list, newest first; the other states are
            # never listed by time, and would pay for it on every change.
            models.Index(fields=["-updated_at", "-id"], condition=Q(state="failed"), name="reminder_failed_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user {self.recipient_id} ({self.object_key}, {self.state})"


def default_quiet_start() -> time:
    return time(21, 0)


def default_quiet_end() -> time:
    return time(8, 0)


class NotificationPreference(models.Model):
    """One user's choices. No row means the defaults (see ``for_user`` in
    selectors): e-mail on for every kind, quiet 21:00-08:00 in their own time
    zone (User.time_zone), told when their partner has finished."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="notification_preference"
    )
    email_exercise_due_soon = models.BooleanField(_("e-mail when an exercise is due soon"), default=True)
    email_exercise_overdue = models.BooleanField(_("e-mail when an exercise is overdue"), default=True)
    email_partner_finished = models.BooleanField(_("e-mail when my partner has finished"), default=True)
    email_weekly_digest = models.BooleanField(_("e-mail the weekly digest"), default=True)
    email_appointment_reminder = models.BooleanField(_("e-mail a reminder before each appointment"), default=True)
    email_appointment_changed = models.BooleanField(_("e-mail when an appointment is changed"), default=True)
    email_appointment_requested = models.BooleanField(_("e-mail when a client requests an appointment"), default=True)
    email_intake_requested = models.BooleanField(_("e-mail when a new client asks for an intake"), default=True)
    email_intake_paperwork = models.BooleanField(
        _("e-mail a reminder of forms to complete before my first session"), default=True
    )
    email_message_received = models.BooleanField(_("e-mail when I have a new message"), default=True)
    # Opt-in (default on) to be told at all, in the portal or by e-mail.
    partner_finished = models.BooleanField(_("tell me when my partner has finished an exercise"), default=True)
    quiet_start = models.TimeField(_("quiet hours start"), default=default_quiet_start)
    quiet_end = models.TimeField(_("quiet hours end"), default=default_quiet_end)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Notification preferences of user {self.user_id}"

    def email_enabled(self, kind: str) -> bool:
        return bool(getattr(self, f"email_{kind}", True))


class InAppNotification(models.Model):
    """What the bell shows. Its text never carries clinical content."""

    # No index of its own: inapp_user_created leads with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", db_index=False
    )
    kind = models.CharField(max_length=32, choices=ReminderKind.choices)
    # One per reminder, whatever happens to its e-mail: redelivered tasks and
    # resends find it there and add none.
    reminder = models.OneToOneField(
        Reminder, on_delete=models.SET_NULL, null=True, blank=True, related_name="in_app_notification"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="inapp_user_created"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="inapp_user_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for user {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class ReminderSettings(models.Model):
    """The practice's reminder rules: one row (pk 1), edited in the admin."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    appointment_first_lead_hours = models.PositiveSmallIntegerField(
        _("first appointment reminder, hours before"), default=24, help_text=_("0: none.")
    )
    appointment_second_lead_hours = models.PositiveSmallIntegerField(
        _("second appointment reminder, hours before"), default=2, help_text=_("0: none.")
    )
    intake_paperwork_lead_hours = models.PositiveSmallIntegerField(
        _("remind of unfinished intake forms, hours before the first appointment"),
        default=72,
        help_text=_("0: no reminder."),
    )
    change_notice_delay_minutes = models.PositiveSmallIntegerField(
        _("wait this long for more changes before telling about one"),
        default=3,
        help_text=_("Changes to one appointment within this time make one notice."),
    )
    message_email_delay_minutes = models.PositiveSmallIntegerField(
        _("e-mail about a new message after this many minutes"),
        default=10,
        help_text=_("Messages in a conversation within this time make one e-mail; none if read in the portal first."),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("reminder settings")
        constraints = [models.CheckConstraint(condition=Q(id=1), name="reminder_settings_singleton")]

    def __str__(self) -> str:
        return str(_("Reminder settings"))

    @classmethod
    def load(cls) -> ReminderSettings:
        found = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        return found or cls(pk=cls.SINGLETON_PK)

    def appointment_leads(self) -> list[int]:
        """Distinct lead times in hours, longest first."""
        return sorted(
            {h for h in (self.appointment_first_lead_hours, self.appointment_second_lead_hours) if h}, reverse=True
        )
