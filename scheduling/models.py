from __future__ import annotations

from django.db import models
from django.db.models import Q

from accounts.models import default_time_zone, validate_time_zone


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
    def address(self) -> str:
        street = ", ".join(part for part in (self.address_line1, self.address_line2) if part)
        town = " ".join(part for part in (f"{self.city}," if self.city else "", self.state, self.postal_code) if part)
        return ", ".join(part for part in (street, town) if part)
