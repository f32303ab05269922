from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from scheduling import services
from scheduling.models import AppointmentKind, IntakeStatus
from tests.scheduling.conftest import at


def test_a_prospective_client_request_is_validated_with_field_messages(dana):
    with pytest.raises(ValidationError) as error:
        services.intake_request_create(names=" ", email="", counselor=dana)
    assert set(error.value.message_dict) == {"names", "email"}


def test_an_admin_turns_a_request_into_an_intake_appointment(dana, edmonds, practice_admin, tuesday):
    intake = services.intake_request_create(
        names="Pat & Chris Moore", email="Pat@Example.test", counselor=dana, preferred_location=edmonds
    )
    appointment = services.intake_request_schedule(
        actor=practice_admin, intake=intake, counselor=dana, location=edmonds, start=at(tuesday, "10:00")
    )
    intake.refresh_from_db()
    assert (appointment.kind, appointment.intake_names, appointment.intake_email) == (
        AppointmentKind.INTAKE,
        "Pat & Chris Moore",
        "pat@example.test",
    )
    assert (intake.status, intake.handled_by) == (IntakeStatus.SCHEDULED, practice_admin)
