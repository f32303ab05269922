"""A bilingual couple, end to end: Sam reads the portal in Spanish, Riley in
English. Both answer the same built-in exercise through its page, each in
their own language; the counselor reads both answers, as written, beside the
exercise's English; and the reminder e-mails that a real Celery worker hands
to a local SMTP server (aiosmtpd) are each in their recipient's language."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exercises.builtin import install_builtin_templates
from exercises.models import ExerciseTemplate, Occurrence, Response, ResponseState
from exercises.services import assignment_create
from notifications.models import Reminder, ReminderKind
from tests.processes import BROKER_URL, sweep_until_done

SAM_ANSWERS = {
    "i_feel": "Me siento sola",
    "when": "cenamos cada uno con su teléfono",
    "because": "la cena es nuestro momento",
    "would_like": "una cena por semana sin teléfonos",
}
RILEY_ANSWERS = {
    "i_feel": "I feel rushed",
    "when": "we plan the weekend on Sunday night",
    "because": "I like to look forward to things",
    "would_like": "planning on Thursdays",
}


def _exercise(counselor, couple) -> Occurrence:
    install_builtin_templates()  # a transactional test before may have flushed the migration's rows
    sam, riley = couple.partner_one, couple.partner_two
    sam.language, riley.language = "es", "en"  # as Dana set them when inviting the couple
    sam.save(update_fields=["language"])
    riley.save(update_fields=["language"])
    template = ExerciseTemplate.objects.get(slug="i-statements", is_builtin=True)
    today = timezone.localdate()
    assignment = assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=today,
        due_on=today + timedelta(days=2),
        due_time=time(19, 0),
    )
    return Occurrence.objects.get(assignment=assignment)


def _spanish(text: str) -> str:
    with translation.override("es"):
        return translation.gettext(text)


@pytest.mark.django_db
def test_each_partner_answers_in_their_language_and_the_counselor_reads_both_in_english(counselor, couple, as_user):
    occurrence = _exercise(counselor, couple)
    page = reverse("occurrence_detail", args=[occurrence.pk])
    sam, riley = as_user(couple.partner_one), as_user(couple.partner_two)

    sam_page = sam.get(page).content.decode()
    assert "Frases en primera persona" in sam_page and "Lo que me gustaría es…" in sam_page
    assert "What I would like is…" not in sam_page
    riley_page = riley.get(page).content.decode()
    assert "“I” statements" in riley_page and "What I would like is…" in riley_page
    assert "Frases en primera persona" not in riley_page

    for client, answers in ((sam, SAM_ANSWERS), (riley, RILEY_ANSWERS)):
        response = client.post(page, {**{f"answer-{key}": text for key, text in answers.items()}, "intent": "submit"})
        assert response.status_code == 302
    assert Response.objects.filter(occurrence=occurrence, state=ResponseState.SUBMITTED).count() == 2
    assert _spanish("Your answer is submitted. Thank you.") in sam.get(page).content.decode()

    desk = as_user(counselor).get(page).content.decode()
    assert "“I” statements" in desk and "What I would like is…" in desk
    assert "Lo que me gustaría es…" not in desk
    for answers in (SAM_ANSWERS, RILEY_ANSWERS):  # stored and shown as written, never translated
        assert all(text in desk for text in answers.values())


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_a_real_worker_e_mails_each_partner_their_reminder_in_their_own_language(
    counselor, couple, smtp, start_worker, settings
):
    assert BROKER_URL.startswith("redis://"), "this test needs Redis as the broker: set CELERY_BROKER_URL"
    occurrence = _exercise(counselor, couple)
    sam, riley = couple.partner_one, couple.partner_two
    reminders = Reminder.objects.bulk_create(
        Reminder(
            kind=ReminderKind.EXERCISE_OVERDUE,
            recipient=partner,
            occurrence=occurrence,
            object_key=f"occurrence:{occurrence.pk}",
            due_at=timezone.now() - timedelta(minutes=1),
        )
        for partner in (sam, riley)
    )
    sink, _server = smtp
    start_worker()
    sweep_until_done([reminder.pk for reminder in reminders], timeout=60)

    mail = {str(message["To"]): message for message in sink.messages}
    assert set(mail) == {sam.email, riley.email}
    practice = settings.PRACTICE_NAME
    sam_subject = _spanish("%(practice)s: “%(title)s” is waiting for you") % {
        "practice": practice,
        "title": "Frases en primera persona",
    }
    assert str(mail[sam.email]["Subject"]) == sam_subject
    assert str(mail[riley.email]["Subject"]) == f"{practice}: ““I” statements” is waiting for you"
    sam_text = mail[sam.email].get_body(preferencelist=("plain",)).get_content()
    riley_text = mail[riley.email].get_body(preferencelist=("plain",)).get_content()
    assert "Frases en primera persona" in sam_text and "There is still time" not in sam_text
    assert "There is still time to do it." in riley_text and "Frases en primera persona" not in riley_text
