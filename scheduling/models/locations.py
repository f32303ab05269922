"""The practice's offices (an online 'office' for telehealth among them) and
their weekly opening hours, wall-clock in each location's time zone.
"""

from __future__ import annotations

import zoneinfo

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import default_time_zone, validate_time_zone


class LocationKind(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online (telehealth)")


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
    # Where the office is, for the offices map the portal draws itself (SVG, no tiles).
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    directions = models.TextField(blank=True, help_text=_("How to get there: parking, transit, the entrance."))

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LocationKind.values), name="location_kind_valid"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="location_coordinates_valid",
            ),
        ]
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
    MONDAY = 0, pgettext_lazy("weekday", "Monday")
    TUESDAY = 1, pgettext_lazy("weekday", "Tuesday")
    WEDNESDAY = 2, pgettext_lazy("weekday", "Wednesday")
    THURSDAY = 3, pgettext_lazy("weekday", "Thursday")
    FRIDAY = 4, pgettext_lazy("weekday", "Friday")
    SATURDAY = 5, pgettext_lazy("weekday", "Saturday")
    SUNDAY = 6, pgettext_lazy("weekday", "Sunday")


class OpeningHours(models.Model):
    """One interval a location is open on a weekday; a day may have several, or none (closed)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        ordering = ["location", "weekday", "opens"]
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(condition=Q(opens__lt=F("closes")), name="opening_hours_opens_before_closes"),
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_valid"),
            models.UniqueConstraint(fields=["location", "weekday", "opens"], name="opening_hours_unique_start"),
        ]

    def __str__(self) -> str:
        return f"{self.location}: {self.get_weekday_display()} {self.opens:%H:%M}-{self.closes:%H:%M}"
