from __future__ import annotations

from datetime import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from scheduling import services
from scheduling.models import Appointment, Location, LocationKind
from scheduling.services import HoursInterval


def test_an_admin_creates_a_location_with_its_hours(practice_admin):
    location = services.location_create(
        actor=practice_admin,
        fields={
            "name": "Bothell",
            "address_line1": "10116 Main St",
            "address_line2": "Suite 204",
            "city": "Bothell",
            "postal_code": "98011",
            "phone": "(425) 939-7959",
        },
        opening_hours=[HoursInterval(0, time(9), time(12)), HoursInterval(0, time(13), time(18))],
    )
    assert location.slug == "bothell"
    assert location.address == "10116 Main St, Suite 204, Bothell, WA 98011"
    assert location.opening_hours.count() == 2
    assert AuditEvent.objects.filter(action="location.created", target_id=str(location.pk)).exists()


def test_a_counselor_cannot_create_a_location(counselor):
    with pytest.raises(PermissionDenied):
        services.location_create(actor=counselor, fields={"name": "Nowhere"})


def test_overlapping_opening_hours_are_refused(practice_admin, edmonds):
    with pytest.raises(ValidationError) as error:
        services.location_set_opening_hours(
            actor=practice_admin,
            location=edmonds,
            intervals=[HoursInterval(2, time(9), time(13)), HoursInterval(2, time(12), time(17))],
        )
    assert error.value.message_dict["opening_hours"] == ["09:00-13:00 and 12:00-17:00 overlap."]


def test_an_unknown_time_zone_is_refused(practice_admin, edmonds):
    with pytest.raises(ValidationError) as error:
        services.location_update(actor=practice_admin, location=edmonds, fields={"time_zone": "Mars/Olympus"})
    assert "time_zone" in error.value.message_dict


def test_an_admin_edits_a_location(practice_admin, edmonds):
    services.location_update(actor=practice_admin, location=edmonds, fields={"phone": "(206) 620-1404"})
    assert Location.objects.get(pk=edmonds.pk).phone == "(206) 620-1404"


def test_a_deactivated_location_keeps_its_appointments(book, tuesday, practice_admin, edmonds):
    appointment = book(tuesday, "10:00")
    services.location_deactivate(actor=practice_admin, location=edmonds)
    assert Appointment.objects.get(pk=appointment.pk).location == edmonds
    assert not Location.objects.get(pk=edmonds.pk).is_active


def test_a_counselor_cannot_work_two_places_at_once(dana, online_office, edmonds):
    with pytest.raises(ValidationError) as error:
        services.working_hours_set(
            actor=dana, counselor=dana, location=online_office, intervals=[HoursInterval(1, time(16), time(18))]
        )
    assert error.value.message_dict["working_hours"] == ["09:00-17:00 and 16:00-18:00 overlap."]


def test_a_counselor_cannot_set_another_counselors_hours(dana, owen, edmonds):
    with pytest.raises(PermissionDenied):
        services.working_hours_set(actor=dana, counselor=owen, location=edmonds, intervals=[])


def test_time_off_cannot_end_before_it_starts(dana, tuesday):
    from datetime import timedelta

    with pytest.raises(ValidationError):
        services.time_off_add(actor=dana, counselor=dana, starts_on=tuesday, ends_on=tuesday - timedelta(days=1))


def test_a_counselor_profile_is_saved_by_its_counselor(counselor, edmonds, online_office, specialties):
    profile = services.counselor_profile_save(
        actor=counselor,
        counselor=counselor,
        credentials="MA, LMHCA",
        bio="Couples work.",
        specialties=[specialties["couples-counseling"]],
        locations=[edmonds, online_office],
        sees_online=True,
    )
    assert profile.slug == "dana-reyes"
    assert set(profile.locations.all()) == {edmonds, online_office}
    assert online_office.kind == LocationKind.ONLINE
