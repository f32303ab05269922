"""API shapes for progress. The progress and dashboard shapes describe (and
render) the same plain figures the pages show (progress.figures)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.utils import timezone
from rest_framework import serializers

from exercises.models import Visibility
from progress.figures import dashboard_figures
from progress.models import Measure
from progress.scoring import ScoringMethod
from progress.selectors import DashboardRow


class MeasureItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    reversed = serializers.BooleanField(default=False)


class BandSerializer(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]  # a band's name, not DRF's Field.label
    min = serializers.DecimalField(max_digits=7, decimal_places=2)
    max = serializers.DecimalField(max_digits=7, decimal_places=2)


class MeasureSerializer(serializers.ModelSerializer):
    items = MeasureItemSerializer(many=True)
    bands = BandSerializer(many=True, required=False)
    scale_labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    is_builtin = serializers.BooleanField(read_only=True)
    score_min = serializers.FloatField(read_only=True)
    score_max = serializers.FloatField(read_only=True)
    translations = serializers.JSONField(
        read_only=True,
        help_text='The measure in other languages: {"es": {"title", "summary", "items": {key: text}, '
        '"scale_labels", "bands": {label: label}}}; scores and stored band labels are the English ones.',
    )

    class Meta:
        model = Measure
        fields = [
            "id",
            "title",
            "summary",
            "items",
            "scale_labels",
            "scoring",
            "bands",
            "visibility",
            "is_builtin",
            "score_min",
            "score_max",
            "translations",
        ]


class MeasureWriteSerializer(serializers.Serializer):
    """Shapes only: the rules are progress.scoring's (a 400 names the field)."""

    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    items = serializers.ListField(child=serializers.DictField(), allow_empty=False)
    scoring = serializers.ChoiceField(choices=ScoringMethod.choices, default=ScoringMethod.MEAN)
    bands = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    visibility = serializers.ChoiceField(choices=Visibility.choices, default=Visibility.AFTER_BOTH)


class MeasureAssignSerializer(serializers.Serializer):
    couple = serializers.IntegerField()
    starts_on = serializers.DateField()
    due_time = serializers.TimeField()
    rrule = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="e.g. FREQ=WEEKLY;INTERVAL=2 (every two weeks)"
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Once, instead of rrule.")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ScorePointSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2)
    band = serializers.CharField()


class PartnerScoresSerializer(serializers.Serializer):
    partner = serializers.IntegerField()
    name = serializers.CharField()
    scores = ScorePointSerializer(many=True)
    latest = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    latest_band = serializers.CharField()
    change = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class MeasureScoresSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    scoring = serializers.CharField()
    score_min = serializers.FloatField()
    score_max = serializers.FloatField()
    bands = BandSerializer(many=True)
    partners = PartnerScoresSerializer(many=True)


class PartnerWeekSerializer(serializers.Serializer):
    partner = serializers.IntegerField()
    name = serializers.CharField()
    due = serializers.IntegerField()
    done = serializers.IntegerField()
    rate = serializers.IntegerField(allow_null=True, help_text="Percent; null for a week in which nothing was due.")


class WeekSerializer(serializers.Serializer):
    week_start = serializers.DateField()
    partners = PartnerWeekSerializer(many=True)


class RitualSerializer(serializers.Serializer):
    assignment = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    current_streak = serializers.IntegerField()
    longest_streak = serializers.IntegerField()
    last_logged_at = serializers.DateTimeField(allow_null=True)


class TimelineEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=["submitted", "reviewed", "comment", "appointment"])
    text = serializers.CharField()
    occurrence = serializers.IntegerField(allow_null=True)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CoupleProgressSerializer(serializers.Serializer):
    couple = serializers.IntegerField()
    name = serializers.CharField()
    since = serializers.DateTimeField()
    generated_at = serializers.DateTimeField()
    partners = PersonSerializer(many=True, help_text="Whose completion is shown (a partner sees their own).")
    measures = MeasureScoresSerializer(many=True)
    completion = WeekSerializer(many=True)
    rituals = RitualSerializer(many=True)
    timeline = TimelineEventSerializer(many=True)


class DashboardPartnerSerializer(serializers.Serializer):
    partner = serializers.IntegerField()
    name = serializers.CharField()
    done_last_4_weeks = serializers.IntegerField()
    completion_rate_last_4_weeks = serializers.IntegerField(allow_null=True)
    latest_score = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    score_change = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class DashboardRowSerializer(serializers.Serializer):
    couple = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.CharField()
    next_appointment = serializers.DateTimeField(allow_null=True)
    due_last_4_weeks = serializers.IntegerField()
    partners = DashboardPartnerSerializer(many=True)
    overdue = serializers.IntegerField()
    waiting_for_review = serializers.IntegerField()
    last_activity = serializers.DateTimeField(allow_null=True)
    days_since_activity = serializers.IntegerField(allow_null=True)
    needs_attention = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


_CENTS = Decimal("0.01")


def _decimal(value: Decimal | None) -> str | None:
    """As DecimalField(decimal_places=2) renders it: "3.50"."""
    return None if value is None else f"{value.quantize(_CENTS):f}"


def _datetime(value: datetime | None, zone: tzinfo) -> str | None:
    """As DateTimeField renders it: ISO 8601 in the current time zone, Z for UTC."""
    if value is None:
        return None
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def dashboard_data(rows: Iterable[DashboardRow]) -> list[dict[str, Any]]:
    """The dashboard exactly as DashboardRowSerializer(rows' figures, many=True).data
    renders it (that serializer stays the schema), without DRF's field-by-field
    work on a read-only list of known types (about 4 ms for 200 rows, a third
    of what the whole dashboard now takes). tests/progress checks that the two
    render the same JSON."""
    zone = timezone.get_current_timezone()
    data = []
    for row in rows:
        figures = dashboard_figures(row)
        figures["next_appointment"] = _datetime(figures["next_appointment"], zone)
        figures["last_activity"] = _datetime(figures["last_activity"], zone)
        for partner in figures["partners"]:
            partner["latest_score"] = _decimal(partner["latest_score"])
            partner["score_change"] = _decimal(partner["score_change"])
        data.append(figures)
    return data
