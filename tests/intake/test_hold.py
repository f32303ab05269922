"""The couple's first appointment waits for their paperwork: booked as
requested, not confirmed while a partner has a document of the packet to
sign, unless a practice admin lifts the hold with a reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditEvent
from intake import services
from portal.errors import ServiceConflict
from scheduling import services as scheduling
from scheduling.models import AppointmentStatus


def test_a_first_appointment_booked_before_the_signatures_is_held_as_requested(packet, book, tuesday):
    appointment = book(tuesday, "10:00")

    assert appointment.status == AppointmentStatus.REQUESTED


def test_confirming_a_held_first_appointment_is_refused_naming_who_must_sign(packet, book, tuesday, practice_admin):
    appointment = book(tuesday, "10:00")

    with pytest.raises(ServiceConflict) as refused:
        scheduling.appointment_confirm(actor=practice_admin, appointment=appointment)

    assert "Sam Lee has not signed Consent to counseling" in str(refused.value)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REQUESTED


def test_once_both_partners_have_signed_the_first_appointment_is_confirmed(
    packet, book, tuesday, practice_admin, partner, other_partner, consent, sign
):
    appointment = book(tuesday, "10:00")
    sign(partner, consent)
    sign(other_partner, consent)

    confirmed = scheduling.appointment_confirm(actor=practice_admin, appointment=appointment)

    assert confirmed.status == AppointmentStatus.CONFIRMED


def test_unanswered_questionnaires_do_not_hold_the_first_appointment(
    packet, book, tuesday, partner, other_partner, consent, sign
):
    sign(partner, consent)
    sign(other_partner, consent)

    assert book(tuesday, "10:00").status == AppointmentStatus.CONFIRMED


def test_a_practice_admin_lifts_the_hold_with_a_reason_and_it_is_audited(packet, book, tuesday, practice_admin):
    appointment = book(tuesday, "10:00")

    services.packet_hold_override(actor=practice_admin, packet=packet, reason="  Signing on paper at the first visit. ")
    confirmed = scheduling.appointment_confirm(actor=practice_admin, appointment=appointment)

    packet.refresh_from_db()
    assert confirmed.status == AppointmentStatus.CONFIRMED
    assert (packet.hold_override_reason, packet.hold_overridden_by) == (
        "Signing on paper at the first visit.",
        practice_admin,
    )
    assert AuditEvent.objects.filter(action="intake_hold.overridden", target_id=str(packet.pk)).exists()


def test_a_counselor_cannot_lift_the_hold(packet, counselor):
    with pytest.raises(PermissionDenied):
        services.packet_hold_override(actor=counselor, packet=packet, reason="Please.")


def test_lifting_the_hold_needs_a_reason(packet, practice_admin):
    with pytest.raises(ValidationError) as error:
        services.packet_hold_override(actor=practice_admin, packet=packet, reason="   ")

    assert "reason" in error.value.message_dict


def test_a_later_appointment_is_not_held(packet, book, tuesday, practice_admin):
    from datetime import timedelta

    services.packet_hold_override(actor=practice_admin, packet=packet, reason="Paper forms.")
    book(tuesday, "10:00")

    later = book(tuesday + timedelta(days=7), "10:00")

    assert later.status == AppointmentStatus.CONFIRMED


def test_a_couple_without_a_packet_books_as_before(book, tuesday, consent):
    assert book(tuesday, "10:00").status == AppointmentStatus.CONFIRMED


def test_confirming_a_held_first_appointment_on_its_page_says_why(packet, book, tuesday, practice_admin, as_user):
    appointment = book(tuesday, "10:00")

    response = as_user(practice_admin).post(f"/appointments/{appointment.pk}/confirm/", follow=True)

    assert response.status_code == 200
    assert "their paperwork is not complete" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.REQUESTED


def test_a_held_booking_is_reported_as_held_on_the_appointments_api(
    packet, practice_admin, couple, edmonds, dana, tuesday, as_user
):
    from tests.scheduling.helpers import at

    body = {
        "counselor": dana.pk,
        "location": edmonds.pk,
        "start": at(tuesday, "10:00").isoformat(),
        "couple": couple.pk,
    }
    response = as_user(practice_admin).post("/api/v1/appointments/", body, content_type="application/json")

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "requested"


def test_a_weekly_series_holds_only_the_couples_first_session(packet, practice_admin, couple, edmonds, dana, tuesday):
    from tests.scheduling.helpers import at

    series = scheduling.appointment_book_series(
        actor=practice_admin, counselor=dana, location=edmonds, first_start=at(tuesday, "10:00"), count=3, couple=couple
    )

    statuses = list(series.appointments.order_by("start").values_list("status", flat=True))
    assert statuses == [AppointmentStatus.REQUESTED, AppointmentStatus.CONFIRMED, AppointmentStatus.CONFIRMED]
