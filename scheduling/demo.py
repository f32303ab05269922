"""The demo practice's schedule: profiles, hours, a few sessions and requests.

Called by config.demo.demo_practice_load. Idempotent: whatever already
exists (a profile, a counselor's hours, a couple's sessions, the intake
request) is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

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


# Where each demo office is (near the middle of its town; the two whose street
# address the practice site gives, at that address) and how to get in.
PARKING_LOT = "Free parking in the lot beside the building. The entrance faces the street; "
STREET_PARKING = "Street parking nearby (check the signs for time limits). "
GROUND_FLOOR = "our rooms are on the ground floor, step-free."
UPSTAIRS = "our suite is upstairs; there is a lift to the left of the stairs."
OFFICE_PLACES: dict[str, tuple[str, str, str]] = {
    "bellevue": (
        "47.61010",
        "-122.20150",
        PARKING_LOT + UPSTAIRS + " Buses to the transit center stop a short walk away.",
    ),
    "bothell": (
        "47.76010",
        "-122.20540",
        STREET_PARKING + "Suite 204 is on the second floor; there is a lift to the left of the stairs.",
    ),
    "edmonds": (
        "47.81070",
        "-122.37740",
        STREET_PARKING + "The ferry and the train station are ten minutes on foot; " + GROUND_FLOOR,
    ),
    "everett": ("47.97900", "-122.20210", PARKING_LOT + GROUND_FLOOR),
    "federal-way": ("47.32230", "-122.31260", PARKING_LOT + UPSTAIRS),
    "hansville": (
        "47.91870",
        "-122.55460",
        "Parking in front of the building. Ring the bell at the side door; " + GROUND_FLOOR,
    ),
    "kent": ("47.38090", "-122.23480", PARKING_LOT + GROUND_FLOOR + " The Sounder station is a short walk."),
    "kirkland": ("47.67690", "-122.20600", STREET_PARKING + "Use the door marked 'Suites'; " + UPSTAIRS),
    "lacey": ("47.03430", "-122.82320", PARKING_LOT + GROUND_FLOOR),
    "mill-creek": ("47.86010", "-122.20430", PARKING_LOT + UPSTAIRS),
    "monroe": ("47.85540", "-121.97100", PARKING_LOT + GROUND_FLOOR),
    "oak-harbor": ("48.29320", "-122.64320", PARKING_LOT + GROUND_FLOOR),
    "poulsbo": ("47.73590", "-122.64650", STREET_PARKING + "The entrance is on the side street; " + UPSTAIRS),
    "puyallup": ("47.18540", "-122.29290", PARKING_LOT + GROUND_FLOOR),
    "redmond": ("47.67400", "-122.12150", PARKING_LOT + UPSTAIRS + " The light rail station is nearby."),
    "seattle-downtown": (
        "47.60620",
        "-122.33210",
        "Pay parking in the garage under the building, or come by light rail or bus. "
        "Check in with the building's front desk; " + UPSTAIRS,
    ),
    "seattle-greenlake": (
        "47.67920",
        "-122.31780",
        STREET_PARKING + "Suite B is at the back of the building, past the courtyard; " + GROUND_FLOOR,
    ),
    "silverdale": ("47.64450", "-122.69460", PARKING_LOT + GROUND_FLOOR),
    "spokane": ("47.65880", "-117.42600", STREET_PARKING + "The entrance is on the corner; " + UPSTAIRS),
    "spokane-valley": ("47.67320", "-117.23940", PARKING_LOT + GROUND_FLOOR),
    "north-spokane": ("47.73000", "-117.41000", PARKING_LOT + GROUND_FLOOR),
    "tacoma": ("47.25290", "-122.44430", STREET_PARKING + "The Link streetcar stops a block away; " + UPSTAIRS),
    "vancouver": ("45.63870", "-122.66150", PARKING_LOT + GROUND_FLOOR),
}
ONLINE_DIRECTIONS = (
    "Sessions are by secure video. A few minutes before your time, open the link in your confirmation "
    "e-mail on a phone or a computer with a camera, somewhere you can talk privately."
)
# Soft backgrounds for the demo counselors' photos (dark initials stay readable on each).
PHOTO_COLOURS = [(214, 232, 240), (232, 224, 240), (226, 238, 222)]


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


def _office_places() -> None:
    """Offices without coordinates get their demo place and directions (an office already placed is left alone)."""
    for location in Location.objects.filter(latitude__isnull=True):
        if location.kind == LocationKind.ONLINE:
            if not location.directions:
                location.directions = ONLINE_DIRECTIONS
                location.save(update_fields=["directions"])
            continue
        place = OFFICE_PLACES.get(location.slug)
        if place is None:
            continue
        latitude, longitude, directions = place
        location.latitude, location.longitude = Decimal(latitude), Decimal(longitude)
        location.directions = location.directions or directions
        location.save(update_fields=["latitude", "longitude", "directions"])


def demo_photo(full_name: str, colour: tuple[int, int, int]) -> bytes:
    """A stand-in portrait: the person's initials on a soft colour, as a 320 px JPEG."""
    size = 320
    image = Image.new("RGB", (size, size), colour)
    draw = ImageDraw.Draw(image)
    letters = "".join(word[0] for word in full_name.split()[:2]).upper()
    font = ImageFont.load_default(size=120)
    draw.text((size / 2, size / 2), letters, fill=(29, 67, 84), font=font, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def _photo(counselor: User, colour: tuple[int, int, int]) -> None:
    """Saved through the default storage, as an upload would be; a profile that has a photo keeps it.

    The file has a fixed name and is reused when the store already has it, so
    loading the demo again (every test that does) adds no file."""
    profile = CounselorProfile.objects.filter(user=counselor).first()
    if profile is None or profile.photo:
        return
    name = f"counselor-photos/demo-{profile.slug}.jpg"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(demo_photo(counselor.full_name, colour)))
    profile.photo.name = name
    profile.save(update_fields=["photo"])


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
    _office_places()
    for index, (counselor, demo) in enumerate(zip(counselors, PROFILES, strict=False)):
        _profile(counselor, demo)
        _photo(counselor, PHOTO_COLOURS[index % len(PHOTO_COLOURS)])
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
