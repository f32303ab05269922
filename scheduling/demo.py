"""The demo practice's schedule: profiles, hours, a few sessions and requests.

Called by config.demo.demo_practice_load. Idempotent: whatever already
exists (a profile, a counselor's hours, a couple's sessions, the intake
request) is left alone, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction

from accounts.models import Couple, CoupleStatus, User
from scheduling import services, slots
from scheduling.models import (
    Appointment,
    AppointmentChange,
    AppointmentKind,
    AppointmentParticipant,
    AppointmentStatus,
    ChangeAction,
    CounselorProfile,
    IntakeRequest,
    Location,
    LocationKind,
    OpeningHours,
    Specialty,
    WorkingHours,
)


@dataclass(frozen=True)
class DemoProfile:
    credentials: str
    title: str
    bio: str
    specialties: tuple[str, ...]
    # (location slug, weekday, start, end)
    hours: tuple[tuple[str, int, str, str], ...]


# In the order of config.demo.COUNSELORS; the bios are invented.
PROFILES = [
    DemoProfile(
        "MA, LMHCA",
        "Licensed Mental Health Counselor Associate",
        "Grace works with couples who feel stuck in the same argument, and with engaged couples who want "
        "to build good habits before the wedding. Sessions are practical: each one ends with something "
        "small to try at home.",
        ("couples-counseling", "premarital-counseling", "marriage-counseling", "relationship-issues"),
        (("edmonds", 1, "09:00", "17:00"), ("bothell", 2, "10:00", "18:00"), ("online", 3, "09:00", "17:00")),
    ),
    DemoProfile(
        "MS, LMFT",
        "Licensed Marriage and Family Therapist",
        "Daniel helps partners and families slow down hard conversations so that each person feels heard. "
        "He draws on emotionally focused therapy and has a particular interest in couples going through "
        "a big change: a move, a new baby, a retirement.",
        ("couples-counseling", "family-counseling", "anxiety", "infidelity-and-affairs"),
        (
            ("seattle-greenlake", 0, "09:00", "17:00"),
            ("seattle-greenlake", 2, "09:00", "17:00"),
            ("online", 4, "08:00", "14:00"),
        ),
    ),
    DemoProfile(
        "MA, LMHC",
        "Licensed Mental Health Counselor",
        "Lena sees couples and individuals in Spokane and online. She is a calm, steady presence for "
        "people facing loss, worry or low mood, and helps couples find their way back to each other "
        "after a painful season.",
        ("grief-and-loss", "anxiety", "depression", "couples-counseling"),
        (("spokane", 1, "09:00", "17:00"), ("spokane", 3, "09:00", "17:00"), ("online", 0, "12:00", "18:00")),
    ),
]

IN_PERSON_HOURS = [(day, "08:00", "19:00") for day in range(5)] + [(5, "09:00", "13:00")]
ONLINE_HOURS = [(day, "07:00", "21:00") for day in range(7)]
INTAKE_EMAIL = "jordan.blake@example.test"


def _clock(text: str) -> time:
    return time.fromisoformat(text)


def _opening_hours() -> None:
    """Offices without hours get the practice's usual ones."""
    has_hours = set(OpeningHours.objects.values_list("location_id", flat=True).distinct())
    rows = []
    for location in Location.objects.exclude(pk__in=has_hours):
        hours = ONLINE_HOURS if location.kind == LocationKind.ONLINE else IN_PERSON_HOURS
        rows += [
            OpeningHours(location=location, weekday=day, opens=_clock(opens), closes=_clock(closes))
            for day, opens, closes in hours
        ]
    OpeningHours.objects.bulk_create(rows)


def _profile(counselor: User, demo: DemoProfile) -> None:
    if CounselorProfile.objects.filter(user=counselor).exists():
        return
    places = {location.slug: location for location in Location.objects.filter(slug__in={h[0] for h in demo.hours})}
    services.counselor_profile_save(
        actor=counselor,
        counselor=counselor,
        credentials=demo.credentials,
        title=demo.title,
        bio=demo.bio,
        specialties=Specialty.objects.filter(slug__in=demo.specialties),
        locations=places.values(),
        sees_online="online" in places,
    )
    if WorkingHours.objects.filter(counselor=counselor).exists():
        return
    by_place: dict[str, list[services.HoursInterval]] = {}
    for slug, weekday, start, end in demo.hours:
        by_place.setdefault(slug, []).append(services.HoursInterval(weekday, _clock(start), _clock(end)))
    for slug, intervals in by_place.items():
        services.working_hours_set(actor=counselor, counselor=counselor, location=places[slug], intervals=intervals)


def _past_sessions(couple: Couple, now: datetime) -> None:
    """Two completed sessions, one and two weeks ago, at the counselor's first hours."""
    counselor = couple.primary_counselor
    hours = WorkingHours.objects.filter(counselor=counselor).select_related("location").order_by("weekday").first()
    if hours is None:
        return
    tz = hours.location.tz
    today = now.astimezone(tz).date()
    for weeks_ago in (2, 1):
        day = today - timedelta(weeks=weeks_ago)
        day -= timedelta(days=(day.weekday() - hours.weekday) % 7)
        start = datetime.combine(day, hours.start, tzinfo=tz) + timedelta(hours=1)
        appointment = Appointment.objects.create(
            counselor=counselor,
            couple=couple,
            location=hours.location,
            start=start,
            end=start + timedelta(minutes=50),
            kind=AppointmentKind.COUPLE_SESSION,
            status=AppointmentStatus.COMPLETED,
            created_by=counselor,
            sequence=1,
        )
        AppointmentParticipant.objects.bulk_create(
            AppointmentParticipant(
                appointment=appointment,
                user=partner,
                start=appointment.start,
                end=appointment.end,
                is_blocking=False,
            )
            for partner in couple.partners
        )
        for action, status in ((ChangeAction.BOOKED, AppointmentStatus.CONFIRMED), (ChangeAction.COMPLETED, "")):
            AppointmentChange.objects.create(
                appointment=appointment,
                actor=counselor,
                at=start if status == "" else start - timedelta(days=7),
                action=action,
                to_status=status or AppointmentStatus.COMPLETED,
                to_start=start,
                to_end=appointment.end,
            )


def _upcoming_sessions(couple: Couple, now: datetime, *, weeks: int = 2) -> None:
    """A confirmed session in each of the next `weeks` weeks, at the first free time."""
    counselor = couple.primary_counselor
    first_day = now.date() + timedelta(days=1)
    for week in range(weeks):
        start_day = first_day + timedelta(weeks=week)
        found = slots.free_slots(
            counselor=counselor, date_from=start_day, date_to=start_day + timedelta(days=6), couple=couple
        )
        if found:
            slot = found[len(found) // 3]
            location = Location.objects.get(pk=slot.location_id)
            services.appointment_book(
                actor=counselor,
                counselor=counselor,
                location=location,
                start=slot.start,
                couple=couple,
                telehealth_url="https://telehealth.example/room/demo" if location.is_online else "",
            )


def _request(couple: Couple, now: datetime) -> None:
    """One partner asks for an extra session in three weeks."""
    start_day = now.date() + timedelta(weeks=3)
    found = slots.free_slots(
        counselor=couple.primary_counselor, date_from=start_day, date_to=start_day + timedelta(days=6), couple=couple
    )
    if found:
        services.appointment_request(
            actor=couple.partner_one,
            counselor=couple.primary_counselor,
            location=Location.objects.get(pk=found[0].location_id),
            start=found[0].start,
            note="Could we add a session before the holidays?",
        )


@transaction.atomic
def demo_schedule_load(*, counselors: Sequence[User], couples: Sequence[Couple], now: datetime) -> None:
    _opening_hours()
    for counselor, demo in zip(counselors, PROFILES, strict=False):
        _profile(counselor, demo)
    active = [couple for couple in couples if couple.status == CoupleStatus.ACTIVE]
    for couple in couples:
        if Appointment.objects.filter(couple=couple).exists():
            continue
        _past_sessions(couple, now)
        if couple in active:
            _upcoming_sessions(couple, now)
        if active and couple == active[-1]:
            _request(couple, now)
    if not IntakeRequest.objects.filter(email=INTAKE_EMAIL).exists():
        grace = counselors[0] if counselors else None
        services.intake_request_create(
            names="Jordan and Casey Blake",
            email=INTAKE_EMAIL,
            phone="(425) 555-0188",
            counselor=grace,
            preferred_location=Location.objects.filter(slug="edmonds").first(),
            specialty=Specialty.objects.filter(slug="premarital-counseling").first(),
            preferred_times="Weekday evenings or Saturday mornings",
            note="We are getting married next summer and would like premarital counseling.",
        )
