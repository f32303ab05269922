"""Appointment reminders and notices: planning, coalescing, the
confirm-attendance link and the weekly digest's planning.

Called from notifications.receivers, inside scheduling's own transactions
(scheduling.signals.appointment_changed): cancelling an appointment cancels
its pending reminders in the same transaction, and rescheduling plans them
anew.

What is planned
---------------
- ``appointment_reminder``: before each confirmed appointment, at the
  practice's lead times (ReminderSettings: 24 h and 2 h by default), to each
  client it is for. The key names the lead and the start it was planned
  for (``appointment:7:24h@20260408T1900Z``), so a rescheduled appointment
  gets fresh reminders and a reminder for the old time can never go out.
- ``appointment_changed``: one notice per client for changes made within a
  few minutes (default 3): a pending row whose due time is pushed on at each
  change (at most one pending per recipient and appointment, a partial
  unique constraint). What it says is read when it is sent: the latest state.
- ``appointment_requested`` and ``intake_requested``: the counselor and the
  front desk (practice admins) are told of each new request, without the
  client's note.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core import signing
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditAction, User
from accounts.services import audit_record
from notifications import selectors, timing
from notifications.models import Reminder, ReminderKind, ReminderSettings, ReminderState, appointment_key
from notifications.services.planning import cancel_pending
from portal import policy
from scheduling.models import Appointment, AppointmentStatus, ChangeAction, IntakeRequest

ATTENDANCE_SALT = "notifications.attendance"

# Actions the clients are told of (coalesced into one notice).
CLIENT_NOTICE_ACTIONS = (
    ChangeAction.RESCHEDULED,
    ChangeAction.CANCELLED,
    ChangeAction.CONFIRMED,
    ChangeAction.DECLINED,
)
# After these the appointment's reminders are moot.
ENDING_ACTIONS = (ChangeAction.CANCELLED, ChangeAction.DECLINED, ChangeAction.COMPLETED, ChangeAction.NO_SHOW)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%MZ")


def reminder_key(appointment: Appointment, lead_hours: int) -> str:
    return appointment_key(appointment.pk, f"{lead_hours}h@{_stamp(appointment.start)}")


def planned_start_matches(reminder: Reminder) -> bool:
    """Is this reminder for the appointment's current start (not an old one)?"""
    assert reminder.appointment is not None
    return reminder.object_key.endswith(f"@{_stamp(reminder.appointment.start)}")


def _fit(user: User, prefs: dict, when: datetime, *, now: datetime, deadline: datetime | None) -> datetime | None:
    pref = prefs[user.pk]
    return timing.fit_to_waking_hours(
        when, now=now, deadline=deadline, time_zone=user.time_zone, start=pref.quiet_start, end=pref.quiet_end
    )


def reminders_plan_appointment(*, appointment: Appointment, now: datetime | None = None) -> int:
    """Plan (or re-plan) the reminders before one appointment; call inside the
    transaction that changed it. Pending reminders that no longer fit (another
    start, cancelled, a lead turned off) are cancelled. Returns rows created."""
    now = now or timezone.now()
    pending = Reminder.objects.filter(
        appointment=appointment, kind=ReminderKind.APPOINTMENT_REMINDER, state=ReminderState.PENDING
    )
    if appointment.status != AppointmentStatus.CONFIRMED or appointment.start <= now:
        cancel_pending(pending, reason=f"appointment {appointment.status}", now=now)
        return 0
    users = {u.pk: u for u in User.objects.filter(pk__in=appointment.participant_ids(), is_active=True)}
    prefs = selectors.preferences_for(users)
    wanted: dict[tuple[int, str], datetime] = {}
    for lead in ReminderSettings.load().appointment_leads():
        planned = appointment.start - timedelta(hours=lead)
        if planned < now - timedelta(minutes=5):
            continue  # booked later than this lead: the shorter one will do
        for user in users.values():
            at = _fit(user, prefs, planned, now=now, deadline=appointment.start)
            if at is not None:
                wanted[(user.pk, reminder_key(appointment, lead))] = at
    existing = {(r.recipient_id, r.object_key): r for r in pending}
    cancel_pending(
        Reminder.objects.filter(pk__in=[r.pk for key, r in existing.items() if key not in wanted]),
        reason="no longer needed (moved)",
        now=now,
    )
    for key, at in wanted.items():
        if key in existing and existing[key].due_at != at:
            Reminder.objects.filter(pk=existing[key].pk, state=ReminderState.PENDING).update(due_at=at, updated_at=now)
    new = [
        Reminder(
            kind=ReminderKind.APPOINTMENT_REMINDER,
            recipient_id=recipient_id,
            appointment=appointment,
            object_key=key,
            due_at=at,
            expires_at=appointment.start,
        )
        for (recipient_id, key), at in wanted.items()
        if (recipient_id, key) not in existing
    ]
    Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def notice_client_change(*, appointment: Appointment, actor_id: int | None, now: datetime | None = None) -> None:
    """Tell the clients of a change, once for changes within a few minutes:
    push the pending notice on, or plan one. Not the client who made it."""
    now = now or timezone.now()
    delay = timedelta(minutes=ReminderSettings.load().change_notice_delay_minutes)
    recipients = [pk for pk in appointment.participant_ids() if pk != actor_id]
    users = {u.pk: u for u in User.objects.filter(pk__in=recipients, is_active=True)}
    prefs = selectors.preferences_for(users)
    for user in users.values():
        at = _fit(user, prefs, now + delay, now=now, deadline=None)
        assert at is not None
        pushed = Reminder.objects.filter(
            recipient=user, appointment=appointment, kind=ReminderKind.APPOINTMENT_CHANGED, state=ReminderState.PENDING
        ).update(due_at=at, updated_at=now)
        if not pushed:
            # The appointment row is locked by the change (scheduling._locked),
            # so no other change of it races this insert.
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        kind=ReminderKind.APPOINTMENT_CHANGED,
                        recipient=user,
                        appointment=appointment,
                        object_key=appointment_key(appointment.pk, f"change-{appointment.sequence}"),
                        due_at=at,
                    )
                ],
                ignore_conflicts=True,
            )


def staff_to_tell(counselor_id: int | None) -> list[User]:
    """The counselor concerned and the front desk (active practice admins)."""
    staff = policy.front_desk()
    if counselor_id is not None:
        staff = staff | User.objects.filter(is_active=True, pk=counselor_id)
    return list(staff.distinct())


def _tell_staff(
    *, kind: str, key: str, counselor_id: int | None, appointment: Appointment | None, now: datetime
) -> int:
    users = staff_to_tell(counselor_id)
    prefs = selectors.preferences_for(u.pk for u in users)
    rows = []
    for user in users:
        at = _fit(user, {user.pk: prefs[user.pk]}, now, now=now, deadline=None)
        assert at is not None
        rows.append(Reminder(kind=kind, recipient=user, appointment=appointment, object_key=key, due_at=at))
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))


def notice_request(*, appointment: Appointment, now: datetime | None = None) -> int:
    """A client requested a time: tell the counselor and the front desk."""
    return _tell_staff(
        kind=ReminderKind.APPOINTMENT_REQUESTED,
        key=appointment_key(appointment.pk, "requested"),
        counselor_id=appointment.counselor_id,
        appointment=appointment,
        now=now or timezone.now(),
    )


def intake_key(intake_id: int) -> str:
    return f"intake:{intake_id}"


def notice_intake(*, intake: IntakeRequest, now: datetime | None = None) -> int:
    """A prospective client wrote in: tell the chosen counselor (if any) and the front desk."""
    return _tell_staff(
        kind=ReminderKind.INTAKE_REQUESTED,
        key=intake_key(intake.pk),
        counselor_id=intake.counselor_id,
        appointment=None,
        now=now or timezone.now(),
    )


def on_appointment_change(*, appointment: Appointment, action: str, actor_id: int | None) -> None:
    """The one entry point from scheduling, in its transaction."""
    now = timezone.now()
    if action in ENDING_ACTIONS:
        pending = Reminder.objects.filter(
            appointment=appointment, kind=ReminderKind.APPOINTMENT_REMINDER, state=ReminderState.PENDING
        )
        cancel_pending(pending, reason=f"appointment {action}", now=now)
    elif action in (ChangeAction.BOOKED, ChangeAction.CONFIRMED, ChangeAction.RESCHEDULED):
        reminders_plan_appointment(appointment=appointment, now=now)
    if action == ChangeAction.REQUESTED:
        notice_request(appointment=appointment, now=now)
    if action in CLIENT_NOTICE_ACTIONS:
        notice_client_change(appointment=appointment, actor_id=actor_id, now=now)


# --- Confirm attendance --------------------------------------------------------------------


def attendance_token(*, appointment: Appointment, user_id: int) -> str:
    """Signed (appointment, client, start): good only for that appointment at
    that time (a link from before a reschedule no longer confirms)."""
    return signing.dumps(
        {"a": appointment.pk, "u": user_id, "s": _stamp(appointment.start)}, salt=ATTENDANCE_SALT, compress=True
    )


class AttendanceInvalid(Exception):
    pass


def attendance_from_token(token: str) -> tuple[Appointment, User]:
    try:
        data = signing.loads(token, salt=ATTENDANCE_SALT)
    except signing.BadSignature:
        raise AttendanceInvalid("invalid") from None
    if not isinstance(data, dict) or not isinstance(data.get("a"), int) or not isinstance(data.get("u"), int):
        raise AttendanceInvalid("invalid")
    appointment = Appointment.objects.select_related("location", "counselor").filter(pk=data["a"]).first()
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if appointment is None or user is None or user.pk not in appointment.participant_ids():
        raise AttendanceInvalid("invalid")
    if data.get("s") != _stamp(appointment.start):
        raise AttendanceInvalid("moved")
    if appointment.status != AppointmentStatus.CONFIRMED or appointment.start <= timezone.now():
        raise AttendanceInvalid("over")
    return appointment, user


@transaction.atomic
def attendance_confirm(*, token: str) -> Appointment:
    """Record that a client confirmed they will come (the first click counts)."""
    appointment, user = attendance_from_token(token)
    now = timezone.now()
    if Appointment.objects.filter(pk=appointment.pk, client_confirmed_at__isnull=True).update(client_confirmed_at=now):
        audit_record(actor=None, action=AuditAction.APPOINTMENT_CLIENT_CONFIRMED, target=appointment, by=user.pk)
        appointment.client_confirmed_at = now
    return appointment


# --- The weekly digest ---------------------------------------------------------------------

DIGEST_HOUR = 7


def next_digest_at(now: datetime, time_zone: str) -> datetime:
    """Monday 07:00 in this time zone: this week's, if it is less than an
    hour past (a planner running hourly still catches it), else next week's."""
    tz = ZoneInfo(time_zone)
    local = now.astimezone(tz)
    monday = local.date() - timedelta(days=local.weekday())
    at = datetime.combine(monday, time(DIGEST_HOUR), tzinfo=tz).astimezone(UTC)
    if at < now - timedelta(hours=1):
        at = datetime.combine(monday + timedelta(days=7), time(DIGEST_HOUR), tzinfo=tz).astimezone(UTC)
    return at


def digests_plan(*, now: datetime | None = None) -> int:
    """Plan each active counselor's next weekly digest (Monday 07:00 their
    time; not moved by quiet hours: it is a report they expect then).
    Idempotent (unique key per week). Returns rows created."""
    now = now or timezone.now()
    rows = []
    for counselor in policy.weekly_digest_recipients().only("pk", "time_zone"):
        at = next_digest_at(now, counselor.time_zone)
        rows.append(
            Reminder(
                kind=ReminderKind.WEEKLY_DIGEST,
                recipient=counselor,
                object_key=timing.iso_week_key(at.astimezone(ZoneInfo(counselor.time_zone)).date()),
                due_at=at,
                expires_at=at + timedelta(hours=12),
            )
        )
    return len(Reminder.objects.bulk_create(rows, ignore_conflicts=True))
