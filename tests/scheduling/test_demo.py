"""The demo schedule built by `manage.py load_demo`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Couple, CoupleStatus
from scheduling.models import Appointment, AppointmentStatus, CounselorProfile, IntakeRequest


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO())


def test_each_demo_counselor_has_a_public_profile_with_hours(demo):
    profiles = CounselorProfile.objects.all()
    assert [p.credentials for p in profiles] == ["MS, LMFT", "MA, LMHCA", "MA, LMHC"]
    assert all(p.user.working_hours.exists() for p in profiles)
    assert all(p.locations.filter(slug="online").exists() for p in profiles)


def test_each_active_demo_couple_has_past_and_upcoming_sessions(demo):
    for couple in Couple.objects.filter(status=CoupleStatus.ACTIVE):
        statuses = list(Appointment.objects.filter(couple=couple).values_list("status", flat=True))
        assert statuses.count(AppointmentStatus.COMPLETED) == 2
        assert statuses.count(AppointmentStatus.CONFIRMED) == 2


def test_the_demo_has_one_client_request_and_one_new_client_request(demo):
    assert Appointment.objects.filter(status=AppointmentStatus.REQUESTED).count() == 1
    assert IntakeRequest.objects.count() == 1
