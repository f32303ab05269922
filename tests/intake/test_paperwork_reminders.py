"""Reminders of unfinished forms before the couple's first session."""

from __future__ import annotations

from datetime import timedelta

from notifications.models import Reminder, ReminderKind, ReminderState


def _pending(user):
    return Reminder.objects.filter(recipient=user, kind=ReminderKind.INTAKE_PAPERWORK, state=ReminderState.PENDING)


def test_booking_the_first_appointment_plans_a_reminder_for_each_partner(packet, book, tuesday, partner, other_partner):
    appointment = book(tuesday, "10:00")

    for user in (partner, other_partner):
        reminder = _pending(user).get()
        assert reminder.due_at <= appointment.start - timedelta(hours=72)
        assert reminder.expires_at == appointment.start


def test_a_partner_who_finishes_is_not_reminded(packet, book, tuesday, partner, other_partner, consent, sign, answer):
    from exercises.builtin_intake import INTAKE_QUESTIONNAIRE_SLUG, SAFETY_SCREEN_SLUG

    book(tuesday, "10:00")
    sign(partner, consent)
    answer(partner, packet, INTAKE_QUESTIONNAIRE_SLUG)
    answer(partner, packet, SAFETY_SCREEN_SLUG)

    assert not _pending(partner).exists()
    assert _pending(other_partner).exists()


def test_moving_the_first_appointment_replans_the_reminder(packet, book, tuesday, partner, practice_admin):
    from scheduling import services as scheduling
    from tests.scheduling.helpers import at

    appointment = book(tuesday, "10:00")
    scheduling.appointment_reschedule(actor=practice_admin, appointment=appointment, start=at(tuesday, "14:00"))

    reminder = _pending(partner).get()
    assert reminder.expires_at == at(tuesday, "14:00")


def test_cancelling_the_first_appointment_cancels_the_reminders(packet, book, tuesday, partner, practice_admin):
    from scheduling import services as scheduling

    appointment = book(tuesday, "10:00")
    scheduling.appointment_cancel(actor=practice_admin, appointment=appointment, reason="Couple asked to wait.")

    assert not _pending(partner).exists()


def test_the_reminder_names_no_document_and_links_to_the_forms(packet, book, tuesday, partner):
    from notifications.emails import in_app_url, reminder_message

    book(tuesday, "10:00")
    reminder = _pending(partner).get()

    message = reminder_message(reminder)
    assert "Consent" not in message.subject + message.body
    assert in_app_url(reminder) == "/me/intake/"


def test_a_partner_can_turn_the_e_mail_off(packet, partner):
    from notifications.models import NotificationPreference

    preference = NotificationPreference(user=partner, email_intake_paperwork=False)

    assert not preference.email_enabled(ReminderKind.INTAKE_PAPERWORK)
