"""The public office and counselor pages and the scheduling API lists cost the same
number of queries for a few rows and for many more, for every role that sees them."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Couple, Role, User
from scheduling.models import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    CounselorProfile,
    Location,
    OpeningHours,
    Specialty,
)
from tests.scheduling.helpers import at

# Measured; each is pinned for the small and the large data set. Raise only with a reason.
# A visitor's page has no session or user to load. An API request loads session and user,
# and for staff the 2FA check; a list adds its page count.
QUERIES = {
    # the active locations, their opening hours
    ("visitor", "/offices/"): 2,
    # the location, its opening hours; its counselors, their locations, their specialties
    ("visitor", "office_detail"): 5,
    # the filter form's locations and specialties; the counselors, their locations, their specialties
    ("visitor", "/counselors/"): 5,
    # filtered: the form's lookups of the chosen location and specialty come first
    ("visitor", "/counselors/?location=edmonds&specialty=couples-counseling"): 7,
    # the profile, its locations, its specialties; the form's locations and specialties
    ("visitor", "counselor_profile"): 5,
    # the page count, the locations, their opening hours
    ("practice_admin", "/api/v1/locations/"): 6,
    ("counselor", "/api/v1/locations/"): 6,
    ("partner", "/api/v1/locations/"): 5,
    # the page count, the counselors, their locations, their specialties
    ("practice_admin", "/api/v1/counselors/"): 7,
    ("counselor", "/api/v1/counselors/"): 7,
    ("partner", "/api/v1/counselors/"): 6,
    # filtered: the location's and the specialty's lookups first
    ("partner", "/api/v1/counselors/?location=edmonds&specialty=couples-counseling"): 8,
    # the page count, the appointments with counselor, location and clients joined in
    ("practice_admin", "/api/v1/appointments/"): 5,
    ("counselor", "/api/v1/appointments/"): 5,
    ("partner", "/api/v1/appointments/"): 4,
}

SMALL, MORE = 3, 20


@pytest.fixture
def grow(dana, owen, couple, other_couple, edmonds, tuesday):
    """grow(n): n more active offices (with hours) where Dana also works, n more counselors
    (at Edmonds and one of the new offices; couples counseling and one other specialty each), and n more
    appointments for each of Dana's and Owen's couples (couple, individual and intake
    sessions, confirmed and requested)."""
    couples_counseling = Specialty.objects.get(slug="couples-counseling")
    others = list(Specialty.objects.exclude(pk=couples_counseling.pk).order_by("name"))
    dana_profile = CounselorProfile.objects.get(user=dana)

    def add(n: int) -> None:
        made = Location.objects.count()
        locations = Location.objects.bulk_create(
            Location(name=f"Office {made + i}", slug=f"office-{made + i}", city="Tacoma", phone="(253) 555-0100")
            for i in range(n)
        )
        OpeningHours.objects.bulk_create(
            OpeningHours(location=location, weekday=weekday, opens=time(9), closes=time(17))
            for location in locations
            for weekday in range(5)
        )
        dana_profile.locations.add(*locations)
        counselors = User.objects.bulk_create(
            User(email=f"counselor{made + i}@practice.test", full_name=f"Counselor {made + i}", role=Role.COUNSELOR)
            for i in range(n)
        )
        profiles = CounselorProfile.objects.bulk_create(
            CounselorProfile(user=user, slug=f"counselor-{user.pk}", credentials="LMHC") for user in counselors
        )
        for i, (profile, location) in enumerate(zip(profiles, locations, strict=True)):
            profile.locations.add(edmonds, location)
            profile.specialties.add(couples_counseling, others[i % len(others)])
        for who, c in ((dana, couple), (owen, other_couple)):
            booked = Appointment.objects.filter(counselor=who).count()
            first = at(tuesday, "08:00") + timedelta(minutes=30 * booked)
            Appointment.objects.bulk_create(
                _appointment(who, c, edmonds, first + timedelta(minutes=30 * i), booked + i) for i in range(n)
            )

    return add


def _appointment(counselor: User, couple: Couple, location: Location, start, number: int) -> Appointment:
    kind = [AppointmentKind.COUPLE_SESSION, AppointmentKind.INDIVIDUAL_SESSION, AppointmentKind.INTAKE][number % 3]
    return Appointment(
        counselor=counselor,
        location=location,
        couple=couple,
        individual_client=couple.partner_one if kind == AppointmentKind.INDIVIDUAL_SESSION else None,
        intake_names=couple.display_name if kind == AppointmentKind.INTAKE else "",
        kind=kind,
        status=AppointmentStatus.REQUESTED if number % 2 else AppointmentStatus.CONFIRMED,
        start=start,
        end=start + timedelta(minutes=30),
        staff_note=f"Note {number}",
    )


def _url(name: str) -> str:
    return {"office_detail": "/offices/edmonds/", "counselor_profile": "/counselors/dana-reyes/"}.get(name, name)


def _rows(response, name: str) -> int:
    """How many rows of the listing the response shows."""
    if name.startswith("/api/"):
        return len(response.json()["results"])
    if name == "/offices/":
        return len(response.context["rows"])
    if name == "counselor_profile":
        return len(response.context["profile"].locations.all())
    return len(response.context["counselors"])


def _fetch(client: Client, url: str):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response, captured


@pytest.mark.parametrize(("who", "name"), list(QUERIES))
def test_query_count_is_the_same_for_a_few_rows_and_many(who, name, request, grow, as_user):
    client = Client() if who == "visitor" else as_user(request.getfixturevalue(who))
    url = _url(name)
    grow(SMALL)
    client.get(url)  # warm up per-process caches (content types, ...)
    few, few_queries = _fetch(client, url)
    grow(MORE)
    many, many_queries = _fetch(client, url)
    # Each role's listing grew with the data: admins see both counselors' appointments.
    per_grow = 2 if (who, name) == ("practice_admin", "/api/v1/appointments/") else 1
    assert _rows(many, name) == _rows(few, name) + MORE * per_grow
    sql = "\n".join(q["sql"][:160] for q in many_queries.captured_queries)
    assert len(few_queries) == len(many_queries) == QUERIES[(who, name)], sql
