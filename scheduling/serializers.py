from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Couple, Role, User
from accounts.serializers import CounselorSerializer
from portal import policy
from portal.api import ScopedPrimaryKeyRelatedField
from scheduling import selectors
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CounselorProfile,
    Location,
    LocationKind,
    OpeningHours,
)


def choice_field(choices: Sequence[tuple[str, object]], **kwargs: Any) -> serializers.ChoiceField:
    """A choice field whose enum stays inline in the schema.

    drf-spectacular turns every enum property into a shared component named
    after the field; "kind" and "status" already name other choice sets
    (couples, exercises), which makes it warn. Inside allOf the enum is left
    where it is.
    """

    @extend_schema_field({"allOf": [{"type": "string", "enum": [value for value, _ in choices]}]})
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, **kwargs)


# The columns these reasons are stored in (a cancellation's, an hours override's).
REASON_LENGTH = Appointment._meta.get_field("cancellation_reason").max_length


class AwareDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time that must carry its offset: a bare 10:00 is ambiguous across time zones."""

    def to_internal_value(self, value: Any) -> Any:
        try:
            parsed = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed but impossible (12:99): DRF's own check names it invalid
            parsed = None
        if parsed is not None and parsed.tzinfo is None:
            raise serializers.ValidationError(gettext("Give the time with its offset, e.g. 2026-05-05T10:00:00-07:00."))
        return super().to_internal_value(value)


class OpeningHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpeningHours
        fields = ["weekday", "opens", "closes"]


class LocationSerializer(serializers.ModelSerializer):
    opening_hours = OpeningHoursSerializer(many=True, read_only=True)
    kind = choice_field(LocationKind.choices, read_only=True)

    class Meta:
        model = Location
        fields = [
            "id",
            "name",
            "slug",
            "kind",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "phone",
            "time_zone",
            "is_active",
            "opening_hours",
        ]


class LocationBriefSerializer(serializers.ModelSerializer):
    kind = choice_field(LocationKind.choices, read_only=True)

    class Meta:
        model = Location
        fields = ["id", "name", "slug", "kind", "time_zone"]


class CounselorProfileSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="user_id", read_only=True, help_text="The counselor's user id.")
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    specialties = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")  # type: ignore[var-annotated]
    locations = LocationBriefSerializer(many=True, read_only=True)

    class Meta:
        model = CounselorProfile
        fields = [
            "id",
            "slug",
            "full_name",
            "credentials",
            "title",
            "bio",
            "specialties",
            "locations",
            "sees_online",
            "is_accepting_new_clients",
        ]


class AppointmentSerializer(serializers.ModelSerializer):
    """What a client may see of an appointment: never the staff note or intake contact details."""

    counselor = CounselorSerializer(read_only=True)
    location = LocationBriefSerializer(read_only=True)
    couple = serializers.PrimaryKeyRelatedField(read_only=True)  # type: ignore[var-annotated]
    with_whom = serializers.CharField(source="client_label", read_only=True)
    kind = choice_field(AppointmentKind.choices, read_only=True)
    status = choice_field(AppointmentStatus.choices, read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "counselor",
            "location",
            "couple",
            "with_whom",
            "kind",
            "status",
            "start",
            "end",
            "telehealth_url",
            "cancellation_reason",
            "late_cancellation",
            "sequence",
        ]
        read_only_fields = fields


STAFF_ONLY_APPOINTMENT_FIELDS = (
    "individual_client",
    "intake_names",
    "intake_email",
    "intake_phone",
    "staff_note",
    "hours_override_reason",
    "series",
    "created_at",
    "updated_at",
)


class StaffAppointmentSerializer(AppointmentSerializer):
    """An appointment as staff see it. Clients get the same answer without
    the staff-only fields (appointment_serializer_for), so the schema
    describes those as present for staff, not required."""

    fields_for_some_callers = STAFF_ONLY_APPOINTMENT_FIELDS

    class Meta(AppointmentSerializer.Meta):
        fields = [*AppointmentSerializer.Meta.fields, *STAFF_ONLY_APPOINTMENT_FIELDS]
        read_only_fields = fields


def appointment_serializer_for(user: User) -> type[AppointmentSerializer]:
    return StaffAppointmentSerializer if policy.sees_staff_side(user) else AppointmentSerializer


class AppointmentCreateSerializer(serializers.Serializer):
    """Staff book (confirmed); a client's create is a request for one of their counselor's free slots.
    Every id is looked up in the caller's scope: outside it reads as missing."""

    counselor = ScopedPrimaryKeyRelatedField(queryset=User.objects.all(), scope=selectors.counselors_named_by)
    location = ScopedPrimaryKeyRelatedField(queryset=Location.objects.all(), scope=selectors.locations_visible_to)
    start = AwareDateTimeField(help_text="ISO 8601 with an offset, e.g. 2026-05-05T10:00:00-07:00.")
    duration_minutes = serializers.IntegerField(min_value=10, max_value=240, required=False)
    kind = choice_field(AppointmentKind.choices, default=AppointmentKind.COUPLE_SESSION)
    couple = ScopedPrimaryKeyRelatedField(
        queryset=Couple.objects.all(), scope=policy.couples_visible_to, required=False, allow_null=True
    )
    individual_client = ScopedPrimaryKeyRelatedField(
        queryset=User.objects.all(), scope=selectors.partners_visible_to, required=False, allow_null=True
    )
    intake_names = serializers.CharField(required=False, allow_blank=True, default="")
    intake_email = serializers.EmailField(required=False, allow_blank=True, default="")
    telehealth_url = serializers.URLField(required=False, allow_blank=True, default="")
    staff_note = serializers.CharField(required=False, allow_blank=True, default="")
    override_hours_reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Admins only: book outside the hours, and why."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="A client's note.")


class SeriesCreateSerializer(serializers.Serializer):
    counselor = ScopedPrimaryKeyRelatedField(queryset=User.objects.all(), scope=selectors.counselors_named_by)
    location = ScopedPrimaryKeyRelatedField(queryset=Location.objects.all(), scope=selectors.locations_visible_to)
    couple = ScopedPrimaryKeyRelatedField(queryset=Couple.objects.all(), scope=policy.couples_visible_to)
    first_start = AwareDateTimeField()
    interval_weeks = serializers.ChoiceField(choices=[1, 2], default=1)
    count = serializers.IntegerField(min_value=1, max_value=52, required=False, allow_null=True)
    until = serializers.DateField(required=False, allow_null=True)
    duration_minutes = serializers.IntegerField(min_value=10, max_value=240, required=False)


class SeriesResultSerializer(serializers.Serializer):
    series = serializers.IntegerField()
    appointments = StaffAppointmentSerializer(many=True)


class RescheduleSerializer(serializers.Serializer):
    start = AwareDateTimeField()
    end = AwareDateTimeField(required=False)
    location = ScopedPrimaryKeyRelatedField(
        queryset=Location.objects.all(), scope=selectors.locations_visible_to, required=False
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=REASON_LENGTH)
    override_hours_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=REASON_LENGTH
    )


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=REASON_LENGTH)


class ConflictItemSerializer(serializers.Serializer):
    person = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = ConflictItemSerializer(many=True)
    dates = serializers.ListField(child=serializers.DateField(), required=False)


class SlotQuerySerializer(serializers.Serializer):
    counselor = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(role=Role.COUNSELOR), required=False)
    location = serializers.PrimaryKeyRelatedField(queryset=Location.objects.all(), required=False)
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    duration_minutes = serializers.IntegerField(min_value=10, max_value=240, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs.get("counselor") and not attrs.get("location"):
            raise serializers.ValidationError({"counselor": gettext("Give a counselor, a location, or both.")})
        if attrs["date_to"] < attrs["date_from"]:
            raise serializers.ValidationError({"date_to": gettext("The range ends before it starts.")})
        if (attrs["date_to"] - attrs["date_from"]).days > 62:
            raise serializers.ValidationError({"date_to": gettext("Search at most 63 days at once.")})
        return attrs


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="In the location's time zone.")
    end = serializers.DateTimeField()
    counselor = serializers.IntegerField(source="counselor_id")
    location = serializers.IntegerField(source="location_id")


class IntakeRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    counselor = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.COUNSELOR), required=False, allow_null=True
    )
    preferred_location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(), required=False, allow_null=True
    )
    prefers_online = serializers.BooleanField(required=False, default=False)
    preferred_times = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    names = serializers.CharField(max_length=200)
    email = serializers.EmailField()
    phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    website = serializers.CharField(
        required=False, allow_blank=True, write_only=True, help_text="Leave empty (a trap for spam robots)."
    )
    status = serializers.CharField(read_only=True)
    couple = serializers.IntegerField(
        source="couple_id", read_only=True, allow_null=True, help_text="The couple the request became, once invited."
    )
    created_at = serializers.DateTimeField(read_only=True)
