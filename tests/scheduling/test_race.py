"""Twenty people booking the same counselor slot at the same moment, on real connections."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from scheduling import services
from scheduling.models import Appointment
from tests.factories import ClientFactory, CoupleFactory
from tests.scheduling.helpers import at

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_bookings_of_one_slot_make_exactly_one(dana, edmonds, practice_admin, tuesday):
    assert connection.vendor == "postgresql", "the race is run on PostgreSQL (set DATABASE_URL)"
    # Twenty different couples of Dana's, so only the counselor's time is contended.
    couples = [CoupleFactory(primary_counselor=dana) for _ in range(THREADS)]
    start = at(tuesday, "10:00")
    barrier = threading.Barrier(THREADS)
    booked: list[Appointment] = []
    conflicts: list[services.AppointmentConflict] = []
    failures: list[BaseException] = []

    def attempt(couple) -> None:
        try:
            barrier.wait()
            booked.append(
                services.appointment_book(
                    actor=practice_admin, counselor=dana, location=edmonds, start=start, couple=couple
                )
            )
        except services.AppointmentConflict as exc:
            conflicts.append(exc)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(couple,)) for couple in couples]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert len(booked) == 1
    assert len(conflicts) == THREADS - 1
    assert Appointment.objects.count() == 1
    assert all("Dana Reyes already has an appointment" in c.message for c in conflicts)
    assert all(c.conflicts[0].appointment_id == booked[0].pk for c in conflicts)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_bookings_of_one_partner_with_two_counselors_make_exactly_one(
    dana, owen, edmonds, practice_admin, tuesday
):
    partner = ClientFactory(full_name="Sky Hart")
    couple = CoupleFactory(partner_one=partner, primary_counselor=dana)
    couple.other_counselors.add(owen)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt(counselor) -> None:
        try:
            barrier.wait()
            services.appointment_book(
                actor=practice_admin,
                counselor=counselor,
                location=edmonds,
                start=at(tuesday, "10:00"),
                kind="individual_session",
                couple=couple,
                individual_client=partner,
            )
            outcomes.append("booked")
        except services.AppointmentConflict as exc:
            outcomes.append(exc.message)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(c,)) for c in (dana, owen)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("booked") == 1
    [refusal] = [outcome for outcome in outcomes if outcome != "booked"]
    assert "Sky Hart already has an appointment" in refusal
