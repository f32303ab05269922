"""Scheduling personas on top of tests/conftest.py.

Edmonds (America/Los_Angeles) is open Monday to Saturday 08:00-20:00; the
online office every day 07:00-21:00. Dana Reyes works Tuesdays 09:00-17:00
at Edmonds and Thursdays 09:00-17:00 online; Owen Park works Tuesdays
09:00-17:00 at Edmonds too. Dates are a few weeks ahead so that every time
is in the future.
"""

from __future__ import annotations

import importlib
from datetime import date

import pytest

from accounts.models import User
from scheduling.models import (
    CounselorProfile,
    Location,
    LocationKind,
    Specialty,
)
from tests.factories import LocationFactory
from tests.scheduling.helpers import at, open_hours, weekday_ahead, work


@pytest.fixture
def edmonds(db) -> Location:
    location = LocationFactory(
        name="Edmonds",
        slug="edmonds",
        address_line1="316 Main Street",
        postal_code="98020",
        time_zone="America/Los_Angeles",
    )
    open_hours(location, range(0, 6), "08:00", "20:00")
    return location


@pytest.fixture
def online_office(db) -> Location:
    location = LocationFactory(
        name="Online (WA only)", slug="online", kind=LocationKind.ONLINE, time_zone="America/Los_Angeles"
    )
    open_hours(location, range(0, 7), "07:00", "21:00")
    return location


@pytest.fixture
def specialties(db) -> dict[str, Specialty]:
    """The seeded services (re-created after a transactional test's flush)."""
    from django.utils.text import slugify

    seeded = importlib.import_module("scheduling.migrations.0003_seed_specialties").SPECIALTIES
    for name in seeded:
        Specialty.objects.get_or_create(slug=slugify(name), defaults={"name": name})
    return {s.slug: s for s in Specialty.objects.all()}


@pytest.fixture
def dana(counselor, edmonds, online_office, specialties) -> User:
    """Dana Reyes with a profile and weekly hours."""
    profile = CounselorProfile.objects.create(
        user=counselor, slug="dana-reyes", credentials="MA, LMHCA", sees_online=True
    )
    profile.locations.set([edmonds, online_office])
    profile.specialties.set([specialties["couples-counseling"], specialties["premarital-counseling"]])
    work(counselor, edmonds, 1, "09:00", "17:00")
    work(counselor, online_office, 3, "09:00", "17:00")
    return counselor


@pytest.fixture
def owen(other_counselor, edmonds, specialties) -> User:
    profile = CounselorProfile.objects.create(user=other_counselor, slug="owen-park", credentials="LMFT")
    profile.locations.set([edmonds])
    profile.specialties.set([specialties["grief-and-loss"]])
    work(other_counselor, edmonds, 1, "09:00", "17:00")
    return other_counselor


@pytest.fixture
def tuesday() -> date:
    return weekday_ahead(1)


@pytest.fixture
def thursday() -> date:
    return weekday_ahead(3)


@pytest.fixture
def book(practice_admin, edmonds, couple, dana):
    """book(day, "10:00", ...) -> a confirmed couple session Alex books for Dana's couple at Edmonds."""
    from scheduling import services

    def _book(day: date, clock: str, **overrides):
        options = {
            "actor": practice_admin,
            "counselor": couple.primary_counselor,
            "location": edmonds,
            "start": at(day, clock),
            "couple": couple,
        }
        options.update(overrides)
        return services.appointment_book(**options)

    return _book


@pytest.fixture
def request_form(edmonds) -> dict[str, str]:
    """What Jamie and Pat Moore, a prospective couple, write on Dana's profile."""
    return {
        "preferred_location": str(edmonds.pk),
        "specialty": "",
        "preferred_times": "Tuesday mornings",
        "names": "Jamie and Pat Moore",
        "email": "jamie@example.test",
        "phone": "(425) 555-0199",
        "note": "We are getting married in the spring.",
        "website": "",
    }
