"""Counselors' availability: their public profile and specialties, weekly
working hours per location (wall-clock, in the location's time zone) and
whole days off.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from scheduling.models.locations import Location, Weekday

# The services seeded by migration 0003, marked for the catalogue: a specialty
# reads in the reader's language where the catalogue has its name (Specialty.label).
SEEDED_SPECIALTIES = (
    gettext_noop("Couples Counseling"),
    gettext_noop("Premarital Counseling"),
    gettext_noop("Marriage Counseling"),
    gettext_noop("Marriage Intensive"),
    gettext_noop("Family Counseling"),
    gettext_noop("Individual Counseling"),
    gettext_noop("Relationship Issues"),
    gettext_noop("Infidelity and Affairs"),
    gettext_noop("Anxiety"),
    gettext_noop("Depression"),
    gettext_noop("Grief and Loss"),
    gettext_noop("Trauma"),
    gettext_noop("Post Traumatic Stress Disorder"),
    gettext_noop("Anger Management"),
    gettext_noop("Codependency"),
    gettext_noop("Counseling for Teens"),
    gettext_noop("Counseling for Children"),
    gettext_noop("Sexual Addiction"),
    gettext_noop("Spiritual Development"),
    gettext_noop("Online Counseling"),
)


class Specialty(models.Model):
    """A service a counselor offers, from the practice site's services list."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("specialties")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """The name as the reader reads it: translated if it is one of the seeded services."""
        return gettext(self.name)


class CounselorProfile(models.Model):
    """What the public directory shows about a counselor, and whether they can be booked."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="counselor_profile", limit_choices_to={"role": Role.COUNSELOR}
    )
    slug = models.SlugField(max_length=100, unique=True)
    credentials = models.CharField(max_length=100, blank=True, help_text=_("For example “MA, LMHCA”."))
    title = models.CharField(max_length=150, blank=True, help_text=_("For example “Licensed Mental Health Counselor”."))
    bio = models.TextField(blank=True)
    specialties = models.ManyToManyField(Specialty, blank=True, related_name="counselors")
    locations = models.ManyToManyField(Location, blank=True, related_name="counselor_profiles")
    sees_online = models.BooleanField(default=False)
    is_accepting_new_clients = models.BooleanField(default=True)
    # Public (the directory shows it): a small JPEG made from the upload, kept
    # through Django's storage API and served by the portal itself.
    photo = models.ImageField(upload_to="counselor-photos/", blank=True)
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
        verbose_name_plural = _("working hours")
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
    reason = models.CharField(max_length=200, blank=True, help_text=_("Staff only."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["counselor", "starts_on"]
        verbose_name_plural = _("time off")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="time_off_ends_after_start")
        ]
        indexes = [models.Index(fields=["counselor", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.counselor.full_name} off {self.starts_on:%Y-%m-%d} to {self.ends_on:%Y-%m-%d}"
