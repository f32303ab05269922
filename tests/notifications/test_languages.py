"""Each reminder is written in its recipient's language (accounts.languages):
the e-mail's subject and both parts, the in-app notice (stored as written),
the pages a link in the e-mail opens without a login."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from notifications import emails, services
from notifications.models import InAppNotification, Reminder, ReminderKind
from tests.notifications.helpers import claimed

pytestmark = pytest.mark.django_db


def reads_spanish(user) -> None:
    user.language = "es"
    user.save(update_fields=["language"])


def test_a_reminder_to_a_partner_who_reads_spanish_is_in_spanish_and_the_other_partners_in_english(
    live_occurrence, couple, make_reminder
):
    sam, riley = couple.partners
    reads_spanish(sam)
    for_sam, for_riley = make_reminder(live_occurrence, sam), make_reminder(live_occurrence, riley)
    assert len(services.reminders_deliver(reminder_ids=claimed(for_sam, for_riley)).sent) == 2
    to = {message.to[0]: message for message in mail.outbox}
    spanish, english = to[sam.email], to[riley.email]
    assert "“Feelings check” lo espera" in spanish.subject
    assert "Hola, Sam:" in spanish.body and "Hacer el ejercicio" in spanish.body
    assert 'lang="es"' in spanish.alternatives[0][0] and "Darse de baja" in spanish.alternatives[0][0]
    assert "“Feelings check” is waiting for you" in english.subject
    assert "Hello Riley," in english.body and "Do the exercise" in english.body
    assert 'lang="en"' in english.alternatives[0][0]


def test_a_spanish_reminder_names_the_due_date_the_spanish_way(live_occurrence, partner, make_reminder):
    reads_spanish(partner)
    make_reminder(live_occurrence, partner, kind=ReminderKind.EXERCISE_DUE_SOON)
    services.reminders_deliver(reminder_ids=claimed(*Reminder.objects.filter(recipient=partner)))
    (message,) = mail.outbox
    month = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"][live_occurrence.due_at.month - 1]  # fmt: skip
    assert f" de {month}, " in message.body and " at " not in message.body.split("\n")[2]


def test_the_in_app_notice_is_stored_in_the_recipients_language(live_occurrence, couple, make_reminder):
    sam, riley = couple.partners
    reads_spanish(sam)
    services.reminders_deliver(
        reminder_ids=claimed(make_reminder(live_occurrence, sam), make_reminder(live_occurrence, riley))
    )
    assert InAppNotification.objects.get(user=sam).text.startswith("“Feelings check” venció el ")
    assert InAppNotification.objects.get(user=riley).text.startswith("“Feelings check” was due ")


def test_the_unsubscribe_page_speaks_the_language_the_email_was_written_in(client, partner):
    reads_spanish(partner)
    token = emails.unsubscribe_token(user_id=partner.pk, kind=ReminderKind.EXERCISE_OVERDUE)
    page = client.get(reverse("notifications:unsubscribe", args=[token])).content.decode()
    assert "¿Dejar de recibir estos correos?" in page and "“Ejercicio vencido”" in page


def test_the_notifications_page_is_in_spanish_for_a_person_who_reads_spanish(as_user, partner):
    reads_spanish(partner)
    page = as_user(partner).get(reverse("notifications:list")).content.decode()
    assert "Todavía no tiene notificaciones." in page and "Ajustes de notificaciones" in page


def test_a_partner_in_safety_mode_who_reads_spanish_gets_the_neutral_notice_in_spanish(
    live_occurrence, couple, counselor, make_reminder
):
    from accounts import services as account_services

    sam = couple.partner_one
    reads_spanish(sam)
    account_services.safety_mode_set(actor=counselor, partner=sam, on=True)
    services.reminders_deliver(reminder_ids=claimed(make_reminder(live_occurrence, sam)))
    (message,) = mail.outbox
    assert "Hay algo nuevo para usted en su portal." in message.body
    assert InAppNotification.objects.get(user=sam).text == "Hay algo nuevo para usted en su portal."
