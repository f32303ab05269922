from __future__ import annotations

import pytest
from django.http import Http404

from scheduling import selectors
from scheduling.models import CounselorProfile
from tests.scheduling.helpers import at


@pytest.fixture
def two_caseloads(book, owen, edmonds, other_couple, practice_admin, tuesday):
    from scheduling import services

    mine = book(tuesday, "10:00", staff_note="Discussed finances")
    theirs = services.appointment_book(
        actor=practice_admin, counselor=owen, location=edmonds, start=at(tuesday, "10:00"), couple=other_couple
    )
    return mine, theirs


def test_an_admin_sees_every_appointment(two_caseloads, practice_admin):
    assert set(selectors.appointments_visible_to(practice_admin)) == set(two_caseloads)


def test_a_counselor_sees_only_their_own(two_caseloads, dana):
    assert list(selectors.appointments_visible_to(dana)) == [two_caseloads[0]]


def test_a_client_sees_only_their_couples(two_caseloads, partner, other_partner):
    assert list(selectors.appointments_visible_to(partner)) == [two_caseloads[0]]
    assert list(selectors.appointments_visible_to(other_partner)) == [two_caseloads[0]]


def test_a_client_listing_does_not_load_the_staff_note(two_caseloads, partner):
    [appointment] = selectors.appointments_visible_to(partner)
    assert "staff_note" in appointment.get_deferred_fields()


def test_another_couples_appointment_is_a_404(two_caseloads, partner):
    with pytest.raises(Http404):
        selectors.appointment_for(partner, two_caseloads[1].pk)


def test_the_listing_loads_people_and_places_in_one_query(two_caseloads, practice_admin, django_assert_num_queries):
    with django_assert_num_queries(1):
        for appointment in selectors.appointments_visible_to(practice_admin):
            assert appointment.counselor.full_name and appointment.location.name and appointment.client_label


def test_the_directory_filters_by_location_specialty_and_online(dana, owen, edmonds, online_office, specialties):
    def names(**filters) -> list[str]:
        return [p.user.full_name for p in selectors.counselors_directory(**filters)]

    assert names() == ["Dana Reyes", "Owen Park"]
    assert names(location=online_office) == ["Dana Reyes"]
    assert names(location=edmonds, specialty=specialties["grief-and-loss"]) == ["Owen Park"]
    assert names(online=True) == ["Dana Reyes"]


def test_the_directory_leaves_out_counselors_on_leave(dana, owen):
    CounselorProfile.objects.filter(user=owen).update(on_leave=True)
    assert [p.user for p in selectors.counselors_directory()] == [dana]


def test_the_directory_lists_only_active_locations_on_a_profile(dana, edmonds, practice_admin):
    from scheduling import services

    services.location_deactivate(actor=practice_admin, location=edmonds)
    [profile] = [p for p in selectors.counselors_directory() if p.user == dana]
    assert [loc.name for loc in profile.locations.all()] == ["Online (WA only)"]


def test_locations_with_hours_lists_active_locations_with_their_hours(edmonds, online_office):
    locations = list(selectors.locations_with_hours())
    assert [loc.name for loc in locations] == ["Edmonds", "Online (WA only)"]
    assert len(locations[0].opening_hours.all()) == 6
