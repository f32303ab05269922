"""Choosing the language a person reads the portal in: on one's profile, by
the counselor inviting a couple (each partner's), by the admin inviting a
counselor; the invitation e-mails written in it; the API answering a token
user in theirs."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import translation

from accounts import services
from accounts.models import AuditEvent, HeldInvitation, User
from exercises import audit_log

pytestmark = pytest.mark.django_db

LINK = re.compile(r"/invitations/accept/([^/\s]+)/")


def _invite_data(counselor, **languages):
    return {
        "partner_one_name": "Casey Morgan",
        "partner_one_email": "casey@example.test",
        "partner_two_name": "Jordan Morgan",
        "partner_two_email": "jordan@example.test",
        "primary_counselor": counselor.pk,
        "time_zone": "America/Los_Angeles",
        **languages,
    }


def _mail_to(mailoutbox, address):
    (message,) = [m for m in mailoutbox if m.to == [address]]
    return message


# The profile page


def test_the_profile_offers_english_spanish_and_the_practices_default(partner, as_user):
    page = as_user(partner).get("/profile/").content.decode()
    assert 'name="language"' in page
    assert "As the practice&#x27;s default" in page
    assert ">Español</option>" in page


def test_choosing_spanish_on_the_profile_keeps_it_and_the_page_answers_in_spanish(partner, as_user):
    client = as_user(partner)
    data = {"full_name": "Sam Lee", "phone": "", "time_zone": "America/Los_Angeles", "language": "es"}
    response = client.post("/profile/", data, follow=True)
    partner.refresh_from_db()
    assert partner.language == "es"
    page = response.content.decode()
    assert '<html lang="es">' in page
    assert "Su perfil quedó guardado." in page


def test_the_practices_default_is_kept_as_no_choice(partner, as_user):
    partner.language = "es"
    partner.save(update_fields=["language"])
    data = {"full_name": "Sam Lee", "phone": "", "time_zone": "America/Los_Angeles", "language": ""}
    as_user(partner).post("/profile/", data)
    partner.refresh_from_db()
    assert partner.language == ""


def test_the_profile_refuses_a_language_the_portal_does_not_have(partner, as_user):
    data = {"full_name": "Sam Lee", "phone": "", "time_zone": "America/Los_Angeles", "language": "fr"}
    response = as_user(partner).post("/profile/", data)
    assert response.status_code == 400
    partner.refresh_from_db()
    assert partner.language == ""


# Inviting a couple


def test_each_invited_partner_gets_the_language_the_counselor_chose(
    counselor, as_user, django_capture_on_commit_callbacks
):
    data = _invite_data(counselor, partner_one_language="es", partner_two_language="")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(counselor).post("/couples/invite/", data)
    assert response.status_code == 302
    assert User.objects.get(email="casey@example.test").language == "es"
    assert User.objects.get(email="jordan@example.test").language == ""


def test_the_spanish_speaking_partners_invitation_is_in_spanish_and_the_others_in_english(
    counselor, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    data = _invite_data(counselor, partner_one_language="es", partner_two_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(counselor).post("/couples/invite/", data)
    spanish = _mail_to(mailoutbox, "casey@example.test")
    english = _mail_to(mailoutbox, "jordan@example.test")
    assert "su invitación al portal de clientes" in spanish.subject
    assert "Hola, Casey:" in spanish.body
    assert "le invitó al portal de clientes" in spanish.body
    assert '<html lang="es">' in spanish.alternatives[0][0]
    assert "Cree su contraseña" in spanish.alternatives[0][0]
    assert "your invitation to the client portal" in english.subject
    assert "Hello Jordan," in english.body
    assert "has invited you to the client portal" in english.body


def test_the_invitation_api_takes_each_partners_language(counselor, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(counselor)
    data = _invite_data(counselor, partner_two_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/invitations/", data, content_type="application/json")
    assert response.status_code == 202
    assert User.objects.get(email="casey@example.test").language == ""
    assert User.objects.get(email="jordan@example.test").language == "es"


def test_the_invitation_api_refuses_a_language_the_portal_does_not_have(counselor):
    client = Client()
    client.force_login(counselor)
    response = client.post(
        "/api/v1/invitations/", _invite_data(counselor, partner_one_language="fr"), content_type="application/json"
    )
    assert response.status_code == 400
    assert "partner_one_language" in response.json()
    assert not User.objects.filter(email="casey@example.test").exists()


def test_a_held_invitation_keeps_each_partners_language(counselor, other_counselor, as_user):
    # The second address is a colleague's: the invitation is held for the front desk.
    data = _invite_data(counselor, partner_one_language="es", partner_two_email=other_counselor.email)
    as_user(counselor).post("/couples/invite/", data)
    held = HeldInvitation.objects.get()
    assert (held.partner_one_language, held.partner_two_language) == ("es", "")


def test_the_front_desk_sees_a_held_partners_language(counselor, other_counselor, practice_admin, as_user):
    data = _invite_data(counselor, partner_one_language="es", partner_two_email=other_counselor.email)
    as_user(counselor).post("/couples/invite/", data)
    page = as_user(practice_admin).get("/couples/held/").content.decode()
    assert '<span lang="es">Español</span>' in page


def test_inviting_again_from_a_held_invitation_passes_its_languages_on(
    counselor, other_counselor, practice_admin, as_user
):
    data = _invite_data(counselor, partner_one_language="es", partner_two_email=other_counselor.email)
    as_user(counselor).post("/couples/invite/", data)
    held = HeldInvitation.objects.get()
    form = as_user(practice_admin).get(f"/couples/invite/?held={held.pk}").context["form"]
    assert form["partner_one_language"].value() == "es"
    assert form["partner_two_email"].value() == other_counselor.email
    assert form["primary_counselor"].value() == counselor.pk


def test_only_the_front_desk_invites_again_from_a_held_invitation(counselor, other_counselor, as_user):
    data = _invite_data(counselor, partner_one_language="es", partner_two_email=other_counselor.email)
    as_user(counselor).post("/couples/invite/", data)
    held = HeldInvitation.objects.get()
    form = as_user(counselor).get(f"/couples/invite/?held={held.pk}").context["form"]
    assert not form["partner_one_name"].value()


@pytest.mark.parametrize("held", ["²", "99999999999999999999", "1 OR 1", ""])
def test_a_held_id_that_is_not_one_leaves_the_invitation_form_empty(practice_admin, as_user, held):
    response = as_user(practice_admin).get("/couples/invite/", {"held": held})
    assert response.status_code == 200
    assert not response.context["form"]["partner_one_name"].value()


def test_a_returning_client_who_never_chose_gets_the_inviters_choice_and_one_who_did_keeps_theirs(counselor):
    User.objects.create_user("casey@example.test", full_name="Casey Morgan", role="client")
    User.objects.create_user("jordan@example.test", full_name="Jordan Morgan", role="client", language="en")
    services.couple_invite(
        invited_by=counselor,
        partner_one=services.PartnerDetails("Casey Morgan", "casey@example.test", "es"),
        partner_two=services.PartnerDetails("Jordan Morgan", "jordan@example.test", "es"),
    )
    assert User.objects.get(email="casey@example.test").language == "es"
    assert User.objects.get(email="jordan@example.test").language == "en"


def test_the_invitation_page_greets_the_invitee_in_their_language(
    counselor, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    data = _invite_data(counselor, partner_one_language="es")
    with django_capture_on_commit_callbacks(execute=True):
        as_user(counselor).post("/couples/invite/", data)
    token = LINK.search(_mail_to(mailoutbox, "casey@example.test").body).group(1)
    response = Client().get(f"/invitations/accept/{token}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Le damos la bienvenida, Casey" in response.content.decode()


# Inviting a counselor


def test_a_counselor_invited_in_spanish_gets_a_spanish_invitation(
    practice_admin, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.counselor_invite(
            actor=practice_admin,
            full_name="Lucía Soto",
            email="lucia@practice.test",
            time_zone="America/Los_Angeles",
            language="es",
        )
    assert invitation.user.language == "es"
    message = _mail_to(mailoutbox, "lucia@practice.test")
    assert "su cuenta de consejero en el portal" in message.subject
    assert "Elija su contraseña aquí" in message.body


def test_the_staff_invite_page_takes_the_counselors_language(
    practice_admin, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    data = {"full_name": "Lucía Soto", "email": "lucia@practice.test", "time_zone": "America/Chicago"}
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(practice_admin).post("/staff/invite/", {**data, "language": "es"})
    assert response.status_code == 302
    assert User.objects.get(email="lucia@practice.test").language == "es"
    assert "Elija su contraseña aquí" in _mail_to(mailoutbox, "lucia@practice.test").body


def test_inviting_a_counselor_refuses_a_language_the_portal_does_not_have(practice_admin):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.counselor_invite(
            actor=practice_admin, full_name="Lucía Soto", email="lucia@practice.test", time_zone="UTC", language="fr"
        )
    assert "language" in refused.value.message_dict


# The API in the requester's language


def _token_for(user, password) -> str:
    response = Client().post(
        "/api/v1/auth/token/", {"email": user.email, "password": password}, content_type="application/json"
    )
    return response.json()["token"]


def test_a_token_user_who_reads_spanish_gets_the_apis_errors_in_spanish(partner, password):
    partner.language = "es"
    partner.save(update_fields=["language"])
    key = _token_for(partner, password)
    response = Client().patch(
        "/api/v1/me/",
        {"time_zone": "Mars/Olympus"},
        content_type="application/json",
        headers={"Authorization": f"Token {key}", "Accept-Language": "en"},
    )
    assert response.status_code == 400
    assert response.json()["time_zone"] == [
        "“Mars/Olympus” no es una zona horaria conocida (use un nombre IANA, como America/Los_Angeles)."
    ]
    assert response["Content-Language"] == "es"


def test_a_token_user_who_reads_english_gets_english_whatever_the_client_asks(partner, password):
    partner.language = "en"
    partner.save(update_fields=["language"])
    key = _token_for(partner, password)
    response = Client().patch(
        "/api/v1/me/",
        {"time_zone": "Mars/Olympus"},
        content_type="application/json",
        headers={"Authorization": f"Token {key}", "Accept-Language": "es"},
    )
    assert response.json()["time_zone"] == [
        "“Mars/Olympus” is not a known time zone (use an IANA name such as America/Los_Angeles)."
    ]
    assert response["Content-Language"] == "en"


def test_one_chooses_ones_language_through_the_api_too(partner, password):
    key = _token_for(partner, password)
    response = Client().patch(
        "/api/v1/me/", {"language": "es"}, content_type="application/json", headers={"Authorization": f"Token {key}"}
    )
    assert response.status_code == 200 and response.json()["language"] == "es"
    partner.refresh_from_db()
    assert partner.language == "es"


# The audit log's sentences


def test_the_audit_log_reads_as_spanish_sentences_in_spanish(counselor, practice_admin, couple):
    services.couple_set_status(couple=couple, status="paused", actor=counselor)
    services.user_update_profile(user=counselor, full_name="Dana Reyes", time_zone="UTC", phone="")
    events = AuditEvent.objects.order_by("sequence")
    with translation.override("es"):
        sentences = [row.sentence for row in audit_log.describe(events, practice_admin)]
    assert "Dana Reyes actualizó el perfil de Dana Reyes" in sentences
    assert "Dana Reyes: estado de la pareja cambiado, Sam Lee & Riley Lee" in sentences


# allauth's e-mails


def test_a_password_reset_email_is_in_the_account_holders_language(partner, mailoutbox):
    partner.language = "es"
    partner.save(update_fields=["language"])
    Client().post("/accounts/password/reset/", {"email": partner.email}, HTTP_ACCEPT_LANGUAGE="en")
    (message,) = mailoutbox
    assert "restablecer contraseña" in message.subject
