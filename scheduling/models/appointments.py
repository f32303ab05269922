"""Appointments, their series, participants and history.

Times: an appointment's start and end are stored as aware datetimes (UTC in
the database); opening hours, working hours and time off are wall-clock
times and dates in the location's time zone, which is where they are
interpreted (scheduling.services and scheduling.slots).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Couple, User
from scheduling.constraints import PostgresExclusionConstraint, TsTzRange
from scheduling.models.intake import IntakeRequest
from scheduling.models.locations import Location


class AppointmentKind(models.TextChoices):
    COUPLE_SESSION = "couple_session", _("Couple session")
    INDIVIDUAL_SESSION = "individual_session", _("Individual session")
    INTAKE = "intake", pgettext_lazy("appointment kind", "Intake")


class AppointmentStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("appointment status", "Requested")
    CONFIRMED = "confirmed", pgettext_lazy("appointment status", "Confirmed")
    CANCELLED = "cancelled", pgettext_lazy("appointment status", "Cancelled")
    COMPLETED = "completed", pgettext_lazy("appointment status", "Completed")
    NO_SHOW = "no_show", pgettext_lazy("appointment status", "No-show")


# The statuses that hold a counselor's (and the clients') time.
BLOCKING_STATUSES = (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)

# The longest an appointment may last (the booking forms' and the API's 240
# minutes), held by a check constraint: a calendar reads a window's
# appointments as those starting within [window start - this, window end),
# an index range, instead of every earlier appointment of the counselor.
LONGEST_APPOINTMENT = timedelta(hours=4)


def _time_range() -> TsTzRange:
    # Half-open [start, end): back-to-back appointments do not overlap.
    return TsTzRange("start", "end", RangeBoundary())


class AppointmentSeries(models.Model):
    """A recurring booking; each occurrence is its own Appointment that can be moved or cancelled alone."""

    counselor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="appointment_series")
    couple = models.ForeignKey(
        Couple, on_delete=models.PROTECT, null=True, blank=True, related_name="appointment_series"
    )
    individual_client = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointment_series")
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices)
    # RFC 5545 RRULE (without DTSTART), e.g. "FREQ=WEEKLY;INTERVAL=2;COUNT=6",
    # expanded in the location's wall-clock time from first_start.
    rrule = models.CharField(max_length=200)
    first_start = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = _("appointment series")
        constraints = [
            models.CheckConstraint(condition=~Q(rrule=""), name="appointment_series_rrule_set"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="appointment_series_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rrule} from {self.first_start:%Y-%m-%d %H:%M} with {self.counselor.full_name}"


class Appointment(models.Model):
    counselor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="appointments_as_counselor")
    couple = models.ForeignKey(Couple, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments")
    # Which partner, for an individual session.
    individual_client = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="individual_appointments"
    )
    # An intake is with people who are not clients yet.
    intake_names = models.CharField(_("prospective clients"), max_length=200, blank=True)
    intake_email = models.EmailField(_("prospective clients' e-mail"), blank=True)
    intake_phone = models.CharField(max_length=32, blank=True)
    intake_request = models.ForeignKey(
        IntakeRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    start = models.DateTimeField()
    end = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=AppointmentKind.choices, default=AppointmentKind.COUPLE_SESSION)
    status = models.CharField(max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.CONFIRMED)
    cancelled_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=300, blank=True)
    late_cancellation = models.BooleanField(default=False)
    telehealth_url = models.URLField(blank=True)
    # A client clicked "I will be there" in a reminder (notifications.appointments).
    client_confirmed_at = models.DateTimeField(_("confirmed by the client"), null=True, blank=True)
    staff_note = models.TextField(blank=True, help_text=_("Never shown to clients."))
    series = models.ForeignKey(
        AppointmentSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    hours_override_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    hours_override_reason = models.CharField(max_length=300, blank=True)
    # RFC 5545 SEQUENCE: raised on every change calendar subscribers should see.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="appointment_end_after_start"),
            models.CheckConstraint(
                condition=Q(end__lte=F("start") + LONGEST_APPOINTMENT), name="appointment_length_capped"
            ),
            models.CheckConstraint(condition=Q(kind__in=AppointmentKind.values), name="appointment_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=AppointmentStatus.values), name="appointment_status_valid"),
            models.CheckConstraint(
                condition=~Q(kind=AppointmentKind.COUPLE_SESSION)
                | Q(couple__isnull=False, individual_client__isnull=True),
                name="appointment_couple_session_has_couple",
            ),
            models.CheckConstraint(
                condition=~Q(kind=AppointmentKind.INDIVIDUAL_SESSION)
                | Q(couple__isnull=False, individual_client__isnull=False),
                name="appointment_individual_session_has_client",
            ),
            # An intake is booked for names, not a couple; once the request
            # becomes a couple, its intake appointment is linked to it.
            models.CheckConstraint(
                condition=~Q(kind=AppointmentKind.INTAKE) | ~Q(intake_names=""),
                name="appointment_intake_has_names",
            ),
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="appointment_cancelled_has_time",
            ),
            models.CheckConstraint(
                condition=Q(late_cancellation=False) | Q(status=AppointmentStatus.CANCELLED),
                name="appointment_late_only_if_cancelled",
            ),
            models.CheckConstraint(
                condition=Q(hours_override_by__isnull=True) | ~Q(hours_override_reason=""),
                name="appointment_override_has_reason",
            ),
            PostgresExclusionConstraint(
                name="appointment_counselor_no_overlap",
                expressions=[(_time_range(), RangeOperators.OVERLAPS), ("counselor", RangeOperators.EQUAL)],
                condition=Q(status__in=BLOCKING_STATUSES),
                violation_error_message=_("The counselor already has an appointment at this time."),
            ),
        ]
        indexes = [
            models.Index(fields=["counselor", "start"]),
            models.Index(fields=["location", "start"]),
            models.Index(fields=["couple", "start"]),
            models.Index(fields=["status", "start"]),
            # A practice admin's list in its order (start, then id): the first
            # page is read off the index, not sorted out of every appointment.
            models.Index(fields=["start", "id"], name="appointment_start_id"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} with {self.counselor.full_name}, {self.start:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def is_blocking(self) -> bool:
        return self.status in BLOCKING_STATUSES

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def local_start(self) -> datetime:
        return self.start.astimezone(self.location.tz)

    def local_end(self) -> datetime:
        return self.end.astimezone(self.location.tz)

    @property
    def client_label(self) -> str:
        if self.kind == AppointmentKind.INTAKE:
            return self.intake_names
        if self.kind == AppointmentKind.INDIVIDUAL_SESSION and self.individual_client is not None:
            return self.individual_client.full_name
        return self.couple.display_name if self.couple else ""

    def participant_ids(self) -> list[int]:
        """The clients whose time this appointment takes (not the counselor)."""
        # Only a couple session reads the couple: no query for the others.
        couple = self.couple if self.kind == AppointmentKind.COUPLE_SESSION else None
        return self.participant_ids_for(kind=self.kind, couple=couple, individual_client_id=self.individual_client_id)

    @staticmethod
    def participant_ids_for(*, kind: str, couple: Couple | None, individual_client_id: int | None) -> list[int]:
        """The clients whose time an appointment of this kind would take, before it exists (a series)."""
        if kind == AppointmentKind.INDIVIDUAL_SESSION and individual_client_id:
            return [individual_client_id]
        if kind == AppointmentKind.COUPLE_SESSION and couple is not None:
            return [couple.partner_one_id, couple.partner_two_id]
        return []


class AppointmentParticipant(models.Model):
    """A client taking part in an appointment, with its time copied here.

    An exclusion constraint cannot look into another table, so the range and
    whether it blocks are denormalised from the appointment; the services
    keep them in step (scheduling.services.booking._sync_participants). This is what
    lets PostgreSQL refuse a partner in two overlapping sessions, across
    couples, counselors and individual sessions.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="appointment_participations")
    start = models.DateTimeField()
    end = models.DateTimeField()
    is_blocking = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["appointment", "user"], name="participant_once_per_appointment"),
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="participant_end_after_start"),
            PostgresExclusionConstraint(
                name="participant_no_overlap",
                expressions=[(_time_range(), RangeOperators.OVERLAPS), ("user", RangeOperators.EQUAL)],
                condition=Q(is_blocking=True),
                violation_error_message=_("This client already has an appointment at this time."),
            ),
        ]
        indexes = [models.Index(fields=["user", "start"])]

    def __str__(self) -> str:
        return f"{self.user.full_name} in appointment #{self.appointment_id}"


class ChangeAction(models.TextChoices):
    BOOKED = "booked", pgettext_lazy("appointment change", "Booked")
    REQUESTED = "requested", pgettext_lazy("appointment change", "Requested")
    CONFIRMED = "confirmed", pgettext_lazy("appointment change", "Confirmed")
    DECLINED = "declined", pgettext_lazy("appointment change", "Declined")
    RESCHEDULED = "rescheduled", pgettext_lazy("appointment change", "Rescheduled")
    CANCELLED = "cancelled", pgettext_lazy("appointment change", "Cancelled")
    COMPLETED = "completed", pgettext_lazy("appointment change", "Completed")
    NO_SHOW = "no_show", pgettext_lazy("appointment change", "Marked no-show")


class AppointmentChange(models.Model):
    """The history of an appointment: who did what, when and why."""

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=20, choices=ChangeAction.choices)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    from_start = models.DateTimeField(null=True, blank=True)
    from_end = models.DateTimeField(null=True, blank=True)
    to_start = models.DateTimeField(null=True, blank=True)
    to_end = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.CheckConstraint(condition=Q(action__in=ChangeAction.values), name="change_action_valid")]
        indexes = [models.Index(fields=["appointment", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} appointment #{self.appointment_id}"
