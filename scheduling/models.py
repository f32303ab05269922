"""Offices, counselors' availability and appointments.

Times: an appointment's start and end are stored as aware datetimes (UTC in
the database); opening hours, working hours and time off are wall-clock
times and dates in the location's time zone, which is where they are
interpreted (scheduling.services and scheduling.slots).
"""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import datetime, timedelta

from django.contrib.postgres.fields import RangeBoundary, RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import Couple, Role, User, default_time_zone, validate_time_zone
from scheduling.constraints import PostgresExclusionConstraint, TsTzRange


class LocationKind(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online (telehealth)"


class Location(models.Model):
    """One of the practice's offices, or its online (telehealth) 'office'."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=LocationKind.choices, default=LocationKind.IN_PERSON)
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, default="WA")
    postal_code = models.CharField(max_length=10, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    time_zone = models.CharField(max_length=64, default=default_time_zone, validators=[validate_time_zone])
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=LocationKind.values), name="location_kind_valid")]
        indexes = [models.Index(fields=["is_active", "name"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_online(self) -> bool:
        return self.kind == LocationKind.ONLINE

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def address(self) -> str:
        street = ", ".join(part for part in (self.address_line1, self.address_line2) if part)
        town = " ".join(part for part in (f"{self.city}," if self.city else "", self.state, self.postal_code) if part)
        return ", ".join(part for part in (street, town) if part)


class Weekday(models.IntegerChoices):
    # Same numbering as date.weekday(), so a date maps straight onto a row.
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class OpeningHours(models.Model):
    """One interval a location is open on a weekday; a day may have several, or none (closed)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["location", "weekday", "opens"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="opening_hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_valid"),
            models.UniqueConstraint(fields=["location", "weekday", "opens"], name="opening_hours_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.location}: {self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"


class Specialty(models.Model):
    """A service a counselor offers, from the practice site's services list."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name


class CounselorProfile(models.Model):
    """What the public directory shows about a counselor, and whether they can be booked."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="counselor_profile", limit_choices_to={"role": Role.COUNSELOR}
    )
    slug = models.SlugField(max_length=100, unique=True)
    credentials = models.CharField(max_length=100, blank=True, help_text="For example “MA, LMHCA”.")
    title = models.CharField(max_length=150, blank=True, help_text="For example “Licensed Mental Health Counselor”.")
    bio = models.TextField(blank=True)
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="counselors")
    locations = models.ManyToManyField(Location, blank=True, related_name="counselor_profiles")
    sees_online = models.BooleanField(default=False)
    is_accepting_new_clients = models.BooleanField(default=True)
    # On leave: out of the directory, free-slot search and booking entirely.
    on_leave = models.BooleanField(default=False)

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.user.full_name}, {self.credentials}" if self.credentials else self.user.full_name


class WorkingHours(models.Model):
    """A weekly interval a counselor works at a location, in the location's time zone."""

    counselor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="working_hours")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["counselor", "weekday", "start"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="working_hours_start_before_end"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday_valid"),
            models.UniqueConstraint(fields=["counselor", "weekday", "start"], name="working_hours_unique_start"),
        ]
        indexes = [models.Index(fields=["location", "weekday"])]

    def __str__(self) -> str:
        hours = f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"
        return f"{self.counselor.full_name} at {self.location}: {hours}"


class TimeOff(models.Model):
    """Whole days (inclusive) a counselor takes no appointments."""

    counselor = models.ForeignKey(User, on_delete=models.CASCADE, related_name="time_off")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200, blank=True, help_text="Staff only.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["counselor", "starts_on"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="time_off_ends_after_start")
        ]
        indexes = [models.Index(fields=["counselor", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.counselor.full_name} off {self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"


class AppointmentKind(models.TextChoices):
    COUPLE_SESSION = "couple_session", "Couple session"
    INDIVIDUAL_SESSION = "individual_session", "Individual session"
    INTAKE = "intake", "Intake"


class AppointmentStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "No-show"


# The statuses that hold a counselor's (and the clients') time.
BLOCKING_STATUSES = (AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED)


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
        verbose_name_plural = "appointment series"
        constraints = [
            models.CheckConstraint(condition=~Q(rrule=""), name="appointment_series_rrule_set"),
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="appointment_series_duration_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.rrule} from {self.first_start:%Y-%m-%d %H:%M} with {self.counselor.full_name}"


class IntakeStatus(models.TextChoices):
    NEW = "new", "New"
    SCHEDULED = "scheduled", "Scheduled"
    # After the intake: the prospective clients became a couple with invitations.
    CONVERTED = "converted", "Couple invited"
    CLOSED = "closed", "Closed"


class IntakeRequest(models.Model):
    """A prospective client's "Schedule with ..." form, waiting for the front desk."""

    counselor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="intake_requests"
    )
    preferred_location = models.ForeignKey(Location, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    prefers_online = models.BooleanField(default=False)
    specialty = models.ForeignKey(Specialty, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    preferred_times = models.CharField(
        max_length=300, blank=True, help_text="Preferred days and times, in their words."
    )
    names = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=32, blank=True)
    note = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.NEW)
    handled_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # The couple the request became (scheduling.services.intake_request_invite_couple).
    couple = models.ForeignKey(Couple, on_delete=models.SET_NULL, null=True, blank=True, related_name="intake_requests")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(status__in=IntakeStatus.values), name="intake_status_valid")]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Intake request from {self.names} ({self.get_status_display()})"


class Appointment(models.Model):
    counselor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="appointments_as_counselor")
    couple = models.ForeignKey(Couple, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments")
    # Which partner, for an individual session.
    individual_client = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="individual_appointments"
    )
    # An intake is with people who are not clients yet.
    intake_names = models.CharField("prospective clients", max_length=200, blank=True)
    intake_email = models.EmailField("prospective clients' e-mail", blank=True)
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
    client_confirmed_at = models.DateTimeField("confirmed by the client", null=True, blank=True)
    staff_note = models.TextField(blank=True, help_text="Never shown to clients.")
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
                violation_error_message="The counselor already has an appointment at this time.",
            ),
        ]
        indexes = [
            models.Index(fields=["counselor", "start"]),
            models.Index(fields=["location", "start"]),
            models.Index(fields=["couple", "start"]),
            models.Index(fields=["status", "start"]),
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
        if self.kind == AppointmentKind.INDIVIDUAL_SESSION and self.individual_client_id:
            return [self.individual_client_id]
        if self.kind == AppointmentKind.COUPLE_SESSION and self.couple is not None:
            return [self.couple.partner_one_id, self.couple.partner_two_id]
        return []


class AppointmentParticipant(models.Model):
    """A client taking part in an appointment, with its time copied here.

    An exclusion constraint cannot look into another table, so the range and
    whether it blocks are denormalised from the appointment; the services
    keep them in step (scheduling.services._sync_participants). This is what
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
                violation_error_message="This client already has an appointment at this time.",
            ),
        ]
        indexes = [models.Index(fields=["user", "start"])]

    def __str__(self) -> str:
        return f"{self.user.full_name} in appointment #{self.appointment_id}"


class ChangeAction(models.TextChoices):
    BOOKED = "booked", "Booked"
    REQUESTED = "requested", "Requested"
    CONFIRMED = "confirmed", "Confirmed"
    DECLINED = "declined", "Declined"
    RESCHEDULED = "rescheduled", "Rescheduled"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    NO_SHOW = "no_show", "Marked no-show"


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


class PracticeSettings(models.Model):
    """The practice's scheduling rules: one row (pk 1), edited in the admin."""

    SINGLETON_PK = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_PK, editable=False)
    clients_may_request = models.BooleanField(
        default=True, help_text="Clients may request times; otherwise they only see their appointments."
    )
    late_cancel_hours = models.PositiveSmallIntegerField(default=24)
    buffer_minutes = models.PositiveSmallIntegerField(default=10, help_text="Free time kept between sessions.")
    default_duration_minutes = models.PositiveSmallIntegerField(default=50)
    slot_step_minutes = models.PositiveSmallIntegerField(
        default=15, help_text="Offered start times are this far apart."
    )

    class Meta:
        verbose_name = verbose_name_plural = "practice settings"
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="practice_settings_singleton"),
            models.CheckConstraint(
                condition=Q(default_duration_minutes__gt=0), name="practice_settings_duration_positive"
            ),
            models.CheckConstraint(condition=Q(slot_step_minutes__gt=0), name="practice_settings_step_positive"),
        ]

    def __str__(self) -> str:
        return "Practice settings"

    @classmethod
    def load(cls) -> PracticeSettings:
        settings, _ = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return settings


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private iCalendar subscription: whoever has the URL reads the feed.

    Revoking deletes the row; regenerating replaces the token, so an old URL
    answers 404 from then on.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user.full_name}"
