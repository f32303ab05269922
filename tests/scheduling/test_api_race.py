"""Twenty front-desk clients posting the same slot at once, over the API, on PostgreSQL."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from scheduling.models import Appointment
from tests.factories import CoupleFactory, PracticeAdminFactory, enable_totp
from tests.scheduling.helpers import at

THREADS = 20


@pytest.mark.django_db(transaction=True)
def test_twenty_simultaneous_posts_for_one_slot_give_one_201_and_nineteen_409(dana, edmonds, tuesday):
    assert connection.vendor == "postgresql", "the race is run on PostgreSQL (set DATABASE_URL)"
    # Twenty admins (each their own session) book twenty different couples of
    # Dana's into one slot: only the counselor's time is contended.
    clients = []
    for number in range(THREADS):
        admin = PracticeAdminFactory(full_name=f"Front Desk {number}")
        enable_totp(admin)
        client = Client()
        client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")
        clients.append(client)
    couples = [CoupleFactory(primary_counselor=dana) for _ in range(THREADS)]
    start = at(tuesday, "10:00").isoformat()
    barrier = threading.Barrier(THREADS)
    answers: list[tuple[int, dict]] = []
    failures: list[BaseException] = []

    def post(client: Client, couple) -> None:
        try:
            barrier.wait()
            response = client.post(
                "/api/v1/appointments/",
                {"counselor": dana.pk, "location": edmonds.pk, "couple": couple.pk, "start": start},
                content_type="application/json",
            )
            answers.append((response.status_code, response.json()))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, couples, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [409] * (THREADS - 1)
    assert Appointment.objects.count() == 1
    refusals = [body["detail"] for status, body in answers if status == 409]
    assert all("Dana Reyes already has an appointment" in detail for detail in refusals)
