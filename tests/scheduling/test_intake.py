"""Intake requests: validation, booking the intake, then turning the request into a couple with invitations."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent, Couple, Invitation
from accounts.services import PartnerDetails
from scheduling import selectors, services
from scheduling.models import Appointment, AppointmentKind, IntakeRequest, IntakeStatus
from tests.scheduling.helpers import at


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


# ---------------------------------------------------------------- after the intake: a couple with invitations


@pytest.fixture
def scheduled_intake(dana, edmonds, practice_admin, tuesday):
    """Jamie and Pat Moore's request, with its intake booked with Dana on Tuesday at 10:00."""
    intake = services.intake_request_create(
        names="Jamie and Pat Moore", email="jamie@example.test", counselor=dana, preferred_location=edmonds
    )
    services.intake_request_schedule(
        actor=practice_admin, intake=intake, counselor=dana, location=edmonds, start=at(tuesday, "10:00")
    )
    intake.refresh_from_db()
    return intake


def _invite(practice_admin, intake, second=PartnerDetails("Pat Moore", "pat@example.test"), **options):
    return services.intake_request_invite_couple(
        actor=practice_admin,
        intake=intake,
        partner_one=PartnerDetails("Jamie Moore", "jamie@example.test"),
        partner_two=second,
        **options,
    )


def test_the_request_becomes_a_couple_with_an_invitation_for_each_partner(
    scheduled_intake, practice_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        couple = _invite(practice_admin, scheduled_intake)
    assert {u.email for u in couple.partners} == {"jamie@example.test", "pat@example.test"}
    assert sorted(Invitation.objects.filter(couple=couple).values_list("user__email", flat=True)) == [
        "jamie@example.test",
        "pat@example.test",
    ]
    assert sorted(message.to[0] for message in mail.outbox) == ["jamie@example.test", "pat@example.test"]


def test_the_couples_counselor_and_time_zone_default_to_the_intakes(scheduled_intake, practice_admin, dana):
    couple = _invite(practice_admin, scheduled_intake)
    assert (couple.primary_counselor, couple.time_zone) == (dana, "America/Los_Angeles")


def test_the_request_and_its_intake_appointment_are_linked_to_the_couple(scheduled_intake, practice_admin):
    couple = _invite(practice_admin, scheduled_intake)
    scheduled_intake.refresh_from_db()
    assert (scheduled_intake.couple, scheduled_intake.status) == (couple, IntakeStatus.CONVERTED)
    assert Appointment.objects.get(intake_request=scheduled_intake).couple == couple


def test_the_new_couple_sees_its_intake_among_its_appointments(scheduled_intake, practice_admin):
    couple = _invite(practice_admin, scheduled_intake)
    [appointment] = selectors.appointments_visible_to(couple.partner_one)
    assert appointment.kind == AppointmentKind.INTAKE


def test_turning_a_request_into_a_couple_is_audited(scheduled_intake, practice_admin):
    couple = _invite(practice_admin, scheduled_intake)
    event = AuditEvent.objects.get(action="intake_request.couple_invited")
    appointment = Appointment.objects.get(intake_request=scheduled_intake)
    assert (event.actor, event.target_id) == (practice_admin, str(scheduled_intake.pk))
    assert event.details == {"couple": couple.pk, "appointments": [appointment.pk], "linked": 1}


def test_the_second_partners_email_is_required_by_name(scheduled_intake, practice_admin):
    with pytest.raises(ValidationError) as error:
        _invite(practice_admin, scheduled_intake, second=PartnerDetails("Pat Moore", ""))
    assert set(error.value.message_dict) == {"partner_two_email"}
    assert not Couple.objects.exists()


def test_a_request_without_an_intake_appointment_cannot_become_a_couple(dana, practice_admin):
    intake = services.intake_request_create(names="Jamie Moore", email="jamie@example.test", counselor=dana)
    with pytest.raises(ValidationError) as error:
        _invite(practice_admin, intake)
    assert set(error.value.message_dict) == {"status"}


def test_a_request_becomes_a_couple_only_once(scheduled_intake, practice_admin):
    _invite(practice_admin, scheduled_intake)
    with pytest.raises(ValidationError) as error:
        _invite(practice_admin, scheduled_intake, second=PartnerDetails("Lee Moore", "lee@example.test"))
    assert set(error.value.message_dict) == {"status"}
    assert Couple.objects.count() == 1


def test_only_a_practice_admin_turns_a_request_into_a_couple(scheduled_intake, dana):
    with pytest.raises(PermissionDenied):
        _invite(dana, scheduled_intake)


@pytest.mark.parametrize(
    ("names", "guess"),
    [
        ("Jamie and Pat Moore", ("Jamie Moore", "Pat Moore")),
        ("Jamie Lee & Pat Moore", ("Jamie Lee", "Pat Moore")),
        ("Jamie Moore", ("Jamie Moore", "")),
    ],
)
def test_the_invitation_form_guesses_two_names_from_the_request(names, guess):
    intake = IntakeRequest(names=names, email="jamie@example.test")
    filled = services.intake_partner_guess(intake)
    assert (filled["partner_one_name"], filled["partner_two_name"]) == guess
    assert filled["partner_one_email"] == "jamie@example.test"


# ---------------------------------------------------------------- the page and the API


def _form(**changes) -> dict:
    form = {
        "partner_one_name": "Jamie Moore",
        "partner_one_email": "jamie@example.test",
        "partner_two_name": "Pat Moore",
        "partner_two_email": "pat@example.test",
        "time_zone": "America/Los_Angeles",
    }
    return {**form, **changes}


def test_the_scheduled_request_page_offers_the_invitation_form_filled_in(as_user, practice_admin, scheduled_intake):
    page = as_user(practice_admin).get(f"/intake-requests/{scheduled_intake.pk}/").content.decode()
    assert f'action="/intake-requests/{scheduled_intake.pk}/couple/"' in page
    assert 'value="Jamie Moore"' in page and 'value="Pat Moore"' in page


def test_an_admin_invites_the_couple_from_the_request_page(as_user, practice_admin, dana, scheduled_intake):
    response = as_user(practice_admin).post(
        f"/intake-requests/{scheduled_intake.pk}/couple/", _form(primary_counselor=dana.pk)
    )
    couple = Couple.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/couples/{couple.pk}/"
    assert IntakeRequest.objects.get().couple == couple


def test_the_page_names_the_missing_second_partner_field(as_user, practice_admin, dana, scheduled_intake):
    response = as_user(practice_admin).post(
        f"/intake-requests/{scheduled_intake.pk}/couple/", _form(primary_counselor=dana.pk, partner_two_email="")
    )
    assert response.status_code == 400
    assert 'id="id_partner_two_email_error"' in response.content.decode()
    assert not Couple.objects.exists()


def test_a_counselor_cannot_open_the_invitation_action(as_user, dana, scheduled_intake):
    response = as_user(dana).post(f"/intake-requests/{scheduled_intake.pk}/couple/", _form(primary_counselor=dana.pk))
    assert response.status_code == 404


def test_the_api_turns_a_request_into_a_couple(as_user, practice_admin, scheduled_intake):
    response = as_user(practice_admin).post(
        f"/api/v1/intake-requests/{scheduled_intake.pk}/invite-couple/", _form(), content_type="application/json"
    )
    assert response.status_code == 201
    couple = Couple.objects.get()
    assert response.json()["id"] == couple.pk
    assert as_user(practice_admin).get(f"/api/v1/intake-requests/{scheduled_intake.pk}/").json()["couple"] == couple.pk


def test_the_api_answers_400_naming_the_missing_field(as_user, practice_admin, scheduled_intake):
    body = {key: value for key, value in _form().items() if key != "partner_two_name"}
    response = as_user(practice_admin).post(
        f"/api/v1/intake-requests/{scheduled_intake.pk}/invite-couple/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"partner_two_name"}


def test_the_api_answers_400_naming_the_status_before_the_intake_is_booked(as_user, practice_admin, dana):
    intake = services.intake_request_create(names="Jamie Moore", email="jamie@example.test", counselor=dana)
    response = as_user(practice_admin).post(
        f"/api/v1/intake-requests/{intake.pk}/invite-couple/", _form(), content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"status"}


def test_a_counselor_gets_404_from_the_api_action(as_user, dana, scheduled_intake):
    response = as_user(dana).post(
        f"/api/v1/intake-requests/{scheduled_intake.pk}/invite-couple/", _form(), content_type="application/json"
    )
    assert response.status_code == 404
    assert not Couple.objects.exists()
