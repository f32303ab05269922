"""Recurring bookings: weekly or every-other-week sessions, checked as a whole
and saved as one AppointmentSeries of separate appointments, or not at all.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext

from accounts.models import AuditAction, Couple, User
from accounts.services import audit_record
from portal import policy
from portal.errors import require
from scheduling import recurrence, signals
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentSeries,
    AppointmentStatus,
    ChangeAction,
    Location,
    PracticeSettings,
)
from scheduling.services.availability import _aware, _find_conflicts, _lock_people, _validate_when
from scheduling.services.booking import _new_appointment, _record_change, _save_checked, _validate_who, _Who
from scheduling.services.errors import SeriesConflict


@transaction.atomic
def appointment_book_series(
    *,
    actor: User,
    counselor: User,
    location: Location,
    first_start: datetime,
    interval_weeks: int = 1,
    until: date | None = None,
    count: int | None = None,
    duration_minutes: int | None = None,
    kind: str = AppointmentKind.COUPLE_SESSION,
    couple: Couple | None = None,
    individual_client: User | None = None,
    telehealth_url: str = "",
    staff_note: str = "",
    override_hours_reason: str = "",
) -> AppointmentSeries:
    """Book weekly or every-other-week sessions, each its own confirmed appointment.

    The whole series is checked first; if any date is taken (SeriesConflict)
    or outside the hours (ValidationError), the dates are listed and
    nothing is saved.
    """
    require(policy.can_manage_schedule_of(actor, counselor), gettext("Counselors book only their own appointments."))
    if kind == AppointmentKind.INTAKE:
        raise ValidationError({"kind": gettext("An intake is a single appointment.")})
    first_start = _aware(first_start, "first_start")
    tz = location.tz
    minutes = duration_minutes or PracticeSettings.load().default_duration_minutes
    rule = recurrence.weekly_rule(interval_weeks=interval_weeks, until=until, count=count, tz=tz)
    starts = [start.astimezone(UTC) for start in recurrence.occurrences(rule, first_start, tz)]
    length = timedelta(minutes=minutes)
    who = _Who(kind, couple, individual_client, "", "", "")
    _validate_who(counselor=counselor, who=who)

    date_errors: list[str] = []
    problems_by_start: dict[datetime, list[str]] = {}
    for start in starts:
        try:
            problems_by_start[start] = _validate_when(
                actor=actor,
                counselor=counselor,
                location=location,
                start=start,
                end=start + length,
                override_hours_reason=override_hours_reason,
            )
        except ValidationError as exc:
            day = date_format(start.astimezone(tz), "D j M Y")
            date_errors += [f"{day}: {message}" for message in exc.messages]
    if date_errors:
        raise ValidationError({"first_start": date_errors})

    participant_ids = Appointment.participant_ids_for(
        kind=kind, couple=couple, individual_client_id=individual_client.pk if individual_client is not None else None
    )
    _lock_people([counselor.pk, *participant_ids])
    intervals = [(start, start + length) for start in starts]
    conflicts = _find_conflicts(counselor=counselor, participant_ids=participant_ids, intervals=intervals)
    if conflicts:
        dates = sorted(
            {s.astimezone(tz).date() for s, e in intervals if any(c.start < e and c.end > s for c in conflicts)}
        )
        listed = ", ".join(date_format(d, "D j M Y") for d in dates)
        described = "; ".join(c.describe(tz) for c in conflicts)
        taken = gettext("These dates are taken: %(dates)s. %(conflicts)s.") % {"dates": listed, "conflicts": described}
        raise SeriesConflict(taken, conflicts, dates)

    series = AppointmentSeries.objects.create(
        counselor=counselor,
        couple=couple,
        individual_client=individual_client,
        location=location,
        kind=kind,
        rrule=rule,
        first_start=starts[0],
        duration_minutes=minutes,
        created_by=actor,
    )
    for start in starts:
        appointment = _new_appointment(
            actor=actor,
            counselor=counselor,
            location=location,
            start=start,
            end=start + length,
            who=who,
            status=AppointmentStatus.CONFIRMED,
            telehealth_url=telehealth_url,
            staff_note=staff_note,
            override_problems=problems_by_start[start],
            override_hours_reason=override_hours_reason,
            series=series,
        )
        if start == starts[0] and signals.confirmation_holds(appointment=appointment):
            # The couple's first session waits for its paperwork, as a single booking does.
            appointment.status = AppointmentStatus.REQUESTED
        _save_checked(appointment, participant_ids=participant_ids, exclude_ids=[])
        _record_change(appointment, actor=actor, action=ChangeAction.BOOKED)
    audit_record(
        actor=actor, action=AuditAction.APPOINTMENT_SERIES_BOOKED, target=series, rrule=rule, sessions=len(starts)
    )
    return series
