"""Practice admins manage counselors: invite one (the e-mailed link, the
password, then two-factor before anything else), deactivate one (sessions
and tokens end, nothing is deleted) and move a couple to another counselor
(their sessions to come too, when asked). Everyone else gets a 404."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, AuditAction, AuditEvent, Couple, Invitation, Role, User
from exercises.audit_log import describe
from scheduling.models import Appointment, CounselorProfile
from tests.factories import DEFAULT_PASSWORD, totp_code
from tests.scheduling.helpers import weekday_ahead

LINK = re.compile(r"/invitations/accept/([^/\s]+)/")
STRONG = "a long and unusual passphrase 42"
ACTIVATE = reverse("mfa_activate_totp")


@pytest.fixture
def invite_form(edmonds, specialties) -> dict[str, object]:
    return {
        "full_name": "Morgan Blake",
        "email": "Morgan@Practice.test",
        "time_zone": "America/Chicago",
        "locations": [edmonds.pk],
        "specialties": [specialties["couples-counseling"].pk],
    }


@pytest.fixture
def invited(practice_admin, as_user, invite_form, mailoutbox, django_capture_on_commit_callbacks) -> User:
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(practice_admin).post(reverse("staff_invite"), invite_form)
    assert response.status_code == 302, response.content.decode()
    return User.objects.get(email="morgan@practice.test")


def link_for(mailoutbox, email: str = "morgan@practice.test") -> str:
    (message,) = [m for m in mailoutbox if m.to == [email]]
    return f"/invitations/accept/{LINK.search(message.body).group(1)}/"


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["counselor", "partner"])
def test_counselors_and_partners_get_404_from_every_staff_page(who, personas, as_user):
    client = as_user(getattr(personas, who))
    member = personas.other_counselor.pk
    for url in (
        reverse("staff_list"),
        reverse("staff_invite"),
        reverse("staff_edit", args=[member]),
        reverse("staff_deactivate", args=[member]),
        reverse("couple_reassign", args=[personas.couple.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("staff_deactivate", args=[member])).status_code == 404
    assert User.objects.get(pk=member).is_active


def test_an_id_that_is_not_a_counselors_is_404_for_the_admin(personas, as_user):
    client = as_user(personas.admin)
    for user in (personas.partner, personas.admin):
        assert client.get(reverse("staff_edit", args=[user.pk])).status_code == 404
        assert client.post(reverse("staff_deactivate", args=[user.pk])).status_code == 404
    assert client.get(reverse("staff_edit", args=[999999])).status_code == 404
    assert User.objects.get(pk=personas.partner.pk).is_active


def test_services_refuse_anyone_but_a_practice_admin(personas):
    with pytest.raises(PermissionDenied):
        services.counselor_invite(
            actor=personas.counselor, full_name="X", email="x@practice.test", time_zone="America/Chicago"
        )
    with pytest.raises(PermissionDenied):
        services.counselor_deactivate(actor=personas.counselor, member=personas.other_counselor)
    with pytest.raises(PermissionDenied):
        services.couple_reassign(actor=personas.counselor, couple=personas.couple, counselor=personas.other_counselor)
    with pytest.raises(PermissionDenied):
        services.counselor_deactivate(actor=personas.admin, member=personas.admin)


# --- inviting -----------------------------------------------------------------------------------


def test_inviting_creates_the_counselor_with_a_profile_and_emails_the_link(invited, practice_admin, mailoutbox):
    assert invited.role == Role.COUNSELOR
    assert invited.full_name == "Morgan Blake"
    assert invited.time_zone == "America/Chicago"
    assert not invited.has_usable_password()
    profile = CounselorProfile.objects.get(user=invited)
    assert [place.slug for place in profile.locations.all()] == ["edmonds"]
    assert [s.slug for s in profile.specialties.all()] == ["couples-counseling"]
    invitation = Invitation.objects.get(user=invited)
    assert invitation.couple is None and invitation.invited_by == practice_admin
    (message,) = mailoutbox
    assert "Alex Front" in message.body and "two-factor" in message.body
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_INVITED, target_id=str(invited.pk)).exists()


def test_an_address_already_in_use_is_refused_on_the_email_field(practice_admin, as_user, invite_form, partner):
    invite_form["email"] = partner.email.upper()
    response = as_user(practice_admin).post(reverse("staff_invite"), invite_form)
    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [services.EMAIL_TAKEN]
    assert not User.objects.filter(full_name="Morgan Blake").exists()


def test_a_missing_name_is_refused_on_its_field(practice_admin, as_user, invite_form, mailoutbox):
    invite_form["full_name"] = ""
    response = as_user(practice_admin).post(reverse("staff_invite"), invite_form)
    assert response.status_code == 400
    assert "full_name" in response.context["form"].errors
    assert mailoutbox == []


def test_the_invited_counselor_sets_a_password_then_must_turn_on_two_factor_first(invited, mailoutbox):
    client = Client()
    link = link_for(mailoutbox)
    page = client.get(link)
    assert page.status_code == 200 and "counselor" in page.content.decode()
    response = client.post(link, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    # Every page of the portal sends them to turn on two-factor first.
    for url in ("/", reverse("progress_dashboard"), reverse("couple_list"), reverse("calendar")):
        seen = client.get(url, follow=True)
        assert seen.redirect_chain[-1][0].startswith((ACTIVATE, reverse("account_reauthenticate"))), url
    # allauth asks for the password again, then shows the secret to enrol.
    reauthenticate = client.get(ACTIVATE).url
    assert client.post(reauthenticate, {"password": STRONG}).url == ACTIVATE
    form = client.get(ACTIVATE).context["form"]
    assert client.post(ACTIVATE, {"code": totp_code(form.secret)}).status_code == 302
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1][0] == reverse("progress_dashboard")
    assert home.status_code == 200


def test_a_used_counselor_link_answers_410(invited, mailoutbox):
    link = link_for(mailoutbox)
    assert Client().post(link, {"password1": STRONG, "password2": STRONG}).status_code == 302
    response = Client().get(link)
    assert response.status_code == 410
    assert "already been used" in response.content.decode()


def test_an_expired_counselor_link_answers_410(invited, mailoutbox):
    link = link_for(mailoutbox)
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 8 * 86400):
        response = Client().post(link, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.get(pk=invited.pk).has_usable_password()


def test_the_admin_resends_a_pending_counselor_invitation(
    invited, practice_admin, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(practice_admin).post(reverse("staff_invitation_resend", args=[invited.pk]))
    assert response.status_code == 302
    assert len([m for m in mailoutbox if m.to == ["morgan@practice.test"]]) == 2


# --- deactivating -------------------------------------------------------------------------------


@pytest.fixture
def booked(book, tuesday) -> Appointment:
    """A confirmed session of Dana's couple, two weeks ahead."""
    return book(tuesday, "10:00")


def test_the_deactivate_page_lists_sessions_to_come_and_couples_to_move(practice_admin, as_user, dana, couple, booked):
    response = as_user(practice_admin).get(reverse("staff_deactivate", args=[dana.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert reverse("appointment_detail", args=[booked.pk]) in text
    assert reverse("couple_reassign", args=[couple.pk]) in text
    assert "Sam Lee &amp; Riley Lee" in text


def test_deactivating_ends_sign_in_sessions_and_tokens_and_deletes_nothing(
    practice_admin, as_user, dana, couple, booked
):
    dana_client = Client()
    assert dana_client.post("/accounts/login/", {"login": dana.email, "password": DEFAULT_PASSWORD}).status_code == 302
    ApiToken.objects.create(user=dana, label="phone")
    response = as_user(practice_admin).post(reverse("staff_deactivate", args=[dana.pk]))
    assert response.status_code == 302
    dana.refresh_from_db()
    assert not dana.is_active
    assert not ApiToken.objects.filter(user=dana).exists()
    # The session she had is no longer hers, and she cannot sign in again.
    assert dana_client.get(reverse("couple_list")).status_code == 302
    again = Client()
    again.post("/accounts/login/", {"login": dana.email, "password": DEFAULT_PASSWORD})
    assert "_auth_user_id" not in again.session
    # Nothing is deleted.
    assert Couple.objects.filter(pk=couple.pk, primary_counselor=dana).exists()
    assert Appointment.objects.filter(pk=booked.pk, counselor=dana).exists()
    assert AuditEvent.objects.filter(action=AuditAction.STAFF_DEACTIVATED, target_id=str(dana.pk)).exists()


def test_a_deactivated_counselor_cannot_log_in(practice_admin, dana):
    services.counselor_deactivate(actor=practice_admin, member=dana)
    client = Client()
    client.post("/accounts/login/", {"login": dana.email, "password": DEFAULT_PASSWORD})
    assert client.get(reverse("couple_list")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_deactivated_counselors_pending_link_no_longer_works(invited, practice_admin, mailoutbox):
    link = link_for(mailoutbox)
    services.counselor_deactivate(actor=practice_admin, member=invited)
    response = Client().post(link, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 410
    assert not User.objects.get(pk=invited.pk).is_active


# --- moving a couple ----------------------------------------------------------------------------


def test_the_admin_moves_a_couple_without_its_sessions(practice_admin, as_user, couple, owen, booked):
    response = as_user(practice_admin).post(reverse("couple_reassign", args=[couple.pk]), {"counselor": owen.pk})
    assert response.status_code == 302
    assert response.url == reverse("couple_detail", args=[couple.pk])
    couple.refresh_from_db()
    assert couple.primary_counselor == owen
    assert Appointment.objects.get(pk=booked.pk).counselor.email == "dana@practice.test"
    assert AuditEvent.objects.filter(action=AuditAction.COUPLE_REASSIGNED, target_id=str(couple.pk)).exists()


def test_moving_a_couple_with_its_sessions_moves_only_those_to_come(practice_admin, as_user, couple, owen, dana, book):
    day = weekday_ahead(1)
    ahead = book(day, "10:00")
    past = book(day, "12:00")
    Appointment.objects.filter(pk=past.pk).update(
        start=timezone.now() - timedelta(days=3, hours=1), end=timezone.now() - timedelta(days=3)
    )
    response = as_user(practice_admin).post(
        reverse("couple_reassign", args=[couple.pk]),
        {"counselor": owen.pk, "move_future_appointments": "on", "next": reverse("staff_deactivate", args=[dana.pk])},
    )
    assert response.status_code == 302
    assert response.url == reverse("staff_deactivate", args=[dana.pk])
    assert Appointment.objects.get(pk=ahead.pk).counselor == owen
    assert Appointment.objects.get(pk=past.pk).counselor == dana
    assert AuditEvent.objects.filter(action=AuditAction.APPOINTMENT_COUNSELOR_CHANGED, target_id=str(ahead.pk)).exists()


def test_a_session_the_new_counselor_is_busy_at_refuses_the_whole_move(
    practice_admin, as_user, couple, other_couple, owen, dana, book, edmonds
):
    day = weekday_ahead(1)
    book(day, "10:00")
    book(day, "10:00", counselor=owen, couple=other_couple)
    response = as_user(practice_admin).post(
        reverse("couple_reassign", args=[couple.pk]), {"counselor": owen.pk, "move_future_appointments": "on"}
    )
    assert response.status_code == 400
    assert "move_future_appointments" in response.context["form"].errors
    couple.refresh_from_db()
    assert couple.primary_counselor == dana


def test_a_deactivated_counselor_cannot_be_chosen(practice_admin, as_user, couple, owen):
    services.counselor_deactivate(actor=practice_admin, member=owen)
    response = as_user(practice_admin).post(reverse("couple_reassign", args=[couple.pk]), {"counselor": owen.pk})
    assert response.status_code == 400
    assert "counselor" in response.context["form"].errors
    with pytest.raises(ValidationError) as refused:
        services.couple_reassign(actor=practice_admin, couple=couple, counselor=owen)
    assert "counselor" in refused.value.message_dict


def test_the_couples_page_links_to_moving_it_for_the_admin_only(practice_admin, counselor, as_user, couple):
    url = reverse("couple_reassign", args=[couple.pk])
    assert url in as_user(practice_admin).get(reverse("couple_detail", args=[couple.pk])).content.decode()
    assert url not in as_user(counselor).get(reverse("couple_detail", args=[couple.pk])).content.decode()


def test_the_audit_log_reads_the_new_actions_in_words(practice_admin, dana, couple, owen):
    services.couple_reassign(actor=practice_admin, couple=couple, counselor=owen)
    services.counselor_deactivate(actor=practice_admin, member=dana)
    events = AuditEvent.objects.filter(
        action__in=[AuditAction.COUPLE_REASSIGNED, AuditAction.STAFF_DEACTIVATED]
    ).select_related("actor")
    sentences = {row.sentence for row in describe(events, practice_admin)}
    assert f"Alex Front gave a new counselor to {couple.display_name}" in sentences
    assert "Alex Front deactivated the account of Dana Reyes" in sentences
