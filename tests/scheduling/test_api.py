"""The scheduling API: scoping, booking, conflicts as 409, bad input as 400 naming the field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client

from scheduling.models import Appointment, AppointmentStatus, CounselorProfile, IntakeRequest
from scheduling.views import INTAKE_RATE_LIMIT
from tests.factories import CoupleFactory
from tests.scheduling.helpers import at


def _booking(counselor, location, couple, start) -> dict:
    return {"counselor": counselor.pk, "location": location.pk, "couple": couple.pk, "start": start.isoformat()}


def test_locations_list_only_active_ones_to_a_client(as_user, partner, edmonds, online_office):
    edmonds.is_active = False
    edmonds.save()
    names = [row["name"] for row in as_user(partner).get("/api/v1/locations/").json()["results"]]
    assert names == ["Online (WA only)"]


def test_locations_list_inactive_ones_too_to_an_admin(as_user, practice_admin, edmonds, online_office):
    edmonds.is_active = False
    edmonds.save()
    rows = as_user(practice_admin).get("/api/v1/locations/").json()["results"]
    assert [(row["name"], row["is_active"]) for row in rows] == [("Edmonds", False), ("Online (WA only)", True)]


def test_counselors_filter_by_specialty(as_user, partner, dana, owen):
    rows = as_user(partner).get("/api/v1/counselors/", {"specialty": "grief-and-loss"}).json()["results"]
    assert [row["full_name"] for row in rows] == ["Owen Park"]


def test_a_counselor_on_leave_is_not_listed(as_user, partner, dana, owen):
    CounselorProfile.objects.filter(user=owen).update(on_leave=True)
    rows = as_user(partner).get("/api/v1/counselors/").json()["results"]
    assert [row["full_name"] for row in rows] == ["Dana Reyes"]


def test_an_admin_books_for_any_counselor(as_user, practice_admin, dana, edmonds, couple, tuesday):
    response = as_user(practice_admin).post(
        "/api/v1/appointments/", _booking(dana, edmonds, couple, at(tuesday, "10:00")), content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["status"] == AppointmentStatus.CONFIRMED


def test_a_counselor_cannot_book_for_another_counselor(as_user, dana, owen, edmonds, other_couple, tuesday):
    response = as_user(dana).post(
        "/api/v1/appointments/",
        _booking(owen, edmonds, other_couple, at(tuesday, "10:00")),
        content_type="application/json",
    )
    # Owen and his couple are outside Dana's scope: their ids read as missing ones.
    assert response.status_code == 400
    assert set(response.json()) == {"counselor", "couple"}
    assert not Appointment.objects.exists()


def test_a_taken_slot_is_409_naming_who_is_booked(as_user, practice_admin, book, dana, edmonds, tuesday):
    book(tuesday, "10:00")
    response = as_user(practice_admin).post(
        "/api/v1/appointments/",
        _booking(dana, edmonds, CoupleFactory(primary_counselor=dana), at(tuesday, "10:30")),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert "Dana Reyes already has an appointment" in response.json()["detail"]
    assert response.json()["conflicts"][0]["person"] == "Dana Reyes"


def test_a_start_without_a_time_zone_is_400_naming_the_field(as_user, practice_admin, dana, edmonds, couple, tuesday):
    body = {**_booking(dana, edmonds, couple, at(tuesday, "10:00")), "start": f"{tuesday}T10:00:00"}
    response = as_user(practice_admin).post("/api/v1/appointments/", body, content_type="application/json")
    assert response.status_code == 400
    assert "start" in response.json()


def test_outside_working_hours_is_400_naming_start(as_user, practice_admin, dana, edmonds, couple, tuesday):
    response = as_user(practice_admin).post(
        "/api/v1/appointments/", _booking(dana, edmonds, couple, at(tuesday, "18:00")), content_type="application/json"
    )
    assert response.status_code == 400
    assert "does not work at Edmonds" in response.json()["start"][0]


def test_a_series_with_taken_dates_is_409_listing_them(as_user, practice_admin, book, dana, edmonds, tuesday):
    taken = tuesday + timedelta(weeks=1)
    book(taken, "10:00")
    response = as_user(practice_admin).post(
        "/api/v1/appointments/series/",
        {
            "counselor": dana.pk,
            "location": edmonds.pk,
            "couple": CoupleFactory(primary_counselor=dana).pk,
            "first_start": at(tuesday, "10:00").isoformat(),
            "interval_weeks": 1,
            "count": 3,
        },
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["dates"] == [taken.isoformat()]
    assert Appointment.objects.count() == 1


def test_a_clients_create_is_a_request(as_user, partner, dana, edmonds, tuesday):
    response = as_user(partner).post(
        "/api/v1/appointments/",
        {"counselor": dana.pk, "location": edmonds.pk, "start": at(tuesday, "11:00").isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == AppointmentStatus.REQUESTED


def test_a_client_never_gets_the_staff_note(as_user, partner, book, tuesday):
    book(tuesday, "10:00", staff_note="Discussed finances")
    [row] = as_user(partner).get("/api/v1/appointments/").json()["results"]
    assert "staff_note" not in row


def test_a_counselor_sees_only_their_own_appointments(as_user, owen, book, tuesday):
    book(tuesday, "10:00")
    assert as_user(owen).get("/api/v1/appointments/").json()["results"] == []


def test_a_counselor_confirms_a_request(as_user, partner, dana, edmonds, tuesday):
    as_user(partner).post(
        "/api/v1/appointments/",
        {"counselor": dana.pk, "location": edmonds.pk, "start": at(tuesday, "11:00").isoformat()},
        content_type="application/json",
    )
    appointment = Appointment.objects.get()
    response = as_user(dana).post(f"/api/v1/appointments/{appointment.pk}/confirm/")
    assert response.json()["status"] == AppointmentStatus.CONFIRMED


def test_cancel_needs_a_reason(as_user, practice_admin, book, tuesday):
    appointment = book(tuesday, "10:00")
    response = as_user(practice_admin).post(f"/api/v1/appointments/{appointment.pk}/cancel/", {})
    assert response.status_code == 400
    assert "reason" in response.json()


def test_rescheduling_onto_a_taken_time_is_409(as_user, practice_admin, book, dana, tuesday):
    book(tuesday, "10:00")
    second = book(tuesday, "14:00", couple=CoupleFactory(primary_counselor=dana))
    response = as_user(practice_admin).post(
        f"/api/v1/appointments/{second.pk}/reschedule/",
        {"start": at(tuesday, "10:30").isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_slots_for_a_counselor_respect_the_buffer(as_user, partner, book, dana, tuesday):
    book(tuesday, "10:00")
    rows = (
        as_user(partner).get("/api/v1/slots/", {"counselor": dana.pk, "date_from": tuesday, "date_to": tuesday}).json()
    )
    starts = [row["start"] for row in rows]
    assert at(tuesday, "09:00").isoformat() in starts
    assert at(tuesday, "11:00").isoformat() in starts
    assert at(tuesday, "10:45").isoformat() not in starts  # 10:50 end + 10 minutes buffer


def test_slots_without_a_counselor_or_location_is_400_naming_the_field(as_user, partner, tuesday):
    response = as_user(partner).get("/api/v1/slots/", {"date_from": tuesday, "date_to": tuesday})
    assert response.status_code == 400
    assert "counselor" in response.json()


def test_anyone_may_send_an_intake_request(dana, db):
    response = Client().post(
        "/api/v1/intake-requests/",
        {"counselor": dana.pk, "names": "Jamie Moore", "email": "jamie@example.test"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert IntakeRequest.objects.get().names == "Jamie Moore"


@pytest.mark.parametrize("viewer", ["counselor", "partner"])
def test_only_admins_read_intake_requests(viewer, request, as_user, dana):
    IntakeRequest.objects.create(names="Jamie Moore", email="jamie@example.test")
    user = request.getfixturevalue(viewer)
    assert as_user(user).get("/api/v1/intake-requests/").json()["results"] == []


def test_an_api_request_with_the_honeypot_filled_looks_received_and_saves_nothing(dana, db):
    response = Client().post(
        "/api/v1/intake-requests/",
        {"counselor": dana.pk, "names": "Jamie Moore", "email": "jamie@example.test", "website": "http://spam.test"},
        content_type="application/json",
    )
    assert (response.status_code, response.json()["status"]) == (201, "new")
    assert not IntakeRequest.objects.exists()


def test_an_api_request_with_the_honeypot_left_empty_is_saved(dana, db):
    response = Client().post(
        "/api/v1/intake-requests/",
        {"counselor": dana.pk, "names": "Jamie Moore", "email": "jamie@example.test", "website": ""},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert IntakeRequest.objects.get().pk == response.json()["id"]


def test_intake_requests_with_a_mistake_do_not_count_toward_the_limit(dana, db):
    visitor = Client()
    for _ in range(INTAKE_RATE_LIMIT + 1):
        mistake = visitor.post("/api/v1/intake-requests/", {"names": "Jamie"}, content_type="application/json")
        assert mistake.status_code == 400
    body = {"counselor": dana.pk, "names": "Jamie Moore", "email": "jamie@example.test"}
    assert visitor.post("/api/v1/intake-requests/", body, content_type="application/json").status_code == 201
