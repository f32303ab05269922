"""Inviting a couple, end to end: the form, the e-mails, the link, the password."""

import re
import time
from unittest import mock

import pytest

from accounts.models import AuditEvent, Couple, Invitation, User

LINK = re.compile(r"/invitations/accept/([^/\s]+)/")
STRONG = "a long and unusual passphrase 42"


@pytest.fixture
def invite_data(counselor):
    return {
        "partner_one_name": "Casey Morgan",
        "partner_one_email": "casey@example.test",
        "partner_two_name": "Jordan Morgan",
        "partner_two_email": "jordan@example.test",
        "primary_counselor": counselor.pk,
        "time_zone": "America/Los_Angeles",
    }


@pytest.fixture
def invited(counselor, as_user, invite_data, mailoutbox, django_capture_on_commit_callbacks):
    """Dana invites Casey and Jordan through the page; the two e-mails are sent."""
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(counselor).post("/couples/invite/", invite_data)
    assert response.status_code == 302
    return Couple.objects.get(partner_one__email="casey@example.test")


def link_in(message) -> str:
    return f"/invitations/accept/{LINK.search(message.body).group(1)}/"


def casey_link(mailoutbox) -> str:
    (message,) = [m for m in mailoutbox if m.to == ["casey@example.test"]]
    return link_in(message)


def accept(client, link, password=STRONG):
    return client.post(link, {"password1": password, "password2": password})


def snapshot(email="casey@example.test"):
    """What an accepted invitation would change."""
    user = User.objects.get(email=email)
    invitation = Invitation.objects.get(user=user)
    return (user.password, user.has_usable_password(), invitation.accepted_at, invitation.key)


def counts():
    return (Couple.objects.count(), User.objects.count(), Invitation.objects.count(), AuditEvent.objects.count())


def test_inviting_a_couple_emails_each_partner_an_accept_link(invited, mailoutbox):
    assert sorted(m.to[0] for m in mailoutbox) == ["casey@example.test", "jordan@example.test"]
    assert all(LINK.search(m.body) for m in mailoutbox)


def test_invitation_email_html_alternative_carries_the_same_link(invited, mailoutbox):
    for message in mailoutbox:
        (html, mimetype) = message.alternatives[0]
        assert mimetype == "text/html"
        assert link_in(message) in html


def test_invitation_link_shows_the_set_password_form(invited, mailoutbox, client):
    response = client.get(casey_link(mailoutbox))
    assert response.status_code == 200
    assert 'name="password1"' in response.content.decode()
    assert 'name="password2"' in response.content.decode()


def test_accepting_sets_the_password_logs_in_and_redirects_home(invited, mailoutbox, client):
    response = accept(client, casey_link(mailoutbox))
    assert response.status_code == 302
    assert response.url == "/"
    assert User.objects.get(email="casey@example.test").check_password(STRONG)
    assert client.get("/me/").status_code == 200


def test_a_used_link_shows_already_used_and_changes_nothing(invited, mailoutbox, client):
    link = casey_link(mailoutbox)
    accept(client, link)
    before = snapshot()
    response = accept(client, link, password="another long passphrase 77")
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert snapshot() == before


def test_a_tampered_link_is_refused_with_400_and_changes_nothing(invited, mailoutbox, client):
    link = casey_link(mailoutbox)
    position = link.index("/accept/") + len("/accept/") + 5
    tampered = link[:position] + ("A" if link[position] != "A" else "B") + link[position + 1 :]
    before = snapshot()
    response = accept(client, tampered)
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert snapshot() == before


def test_an_expired_link_is_refused_with_410_and_changes_nothing(invited, mailoutbox, client):
    link = casey_link(mailoutbox)
    before = snapshot()
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 8 * 86400):
        response = accept(client, link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert snapshot() == before
    assert client.get("/me/").status_code == 302  # not logged in


def test_resending_sends_a_new_email_whose_link_works(
    invited, counselor, as_user, mailoutbox, client, django_capture_on_commit_callbacks
):
    invitation = Invitation.objects.get(user__email="casey@example.test")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(counselor).post(f"/invitations/{invitation.pk}/resend/")
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == ["casey@example.test"]
    assert accept(client, link_in(message)).status_code == 302
    assert User.objects.get(email="casey@example.test").check_password(STRONG)


def test_a_weak_password_is_refused_on_the_field_and_the_link_stays_usable(invited, mailoutbox, client):
    link = casey_link(mailoutbox)
    response = accept(client, link, password="password")
    assert response.status_code == 400
    assert response.context["form"].errors["password1"]
    assert not User.objects.get(email="casey@example.test").has_usable_password()
    assert accept(client, link).status_code == 302


def test_inviting_a_partner_of_an_active_couple_creates_nothing_and_mails_no_one(
    counselor, partner, as_user, invite_data, mailoutbox, django_capture_on_commit_callbacks
):
    # "alice" sorts before "sam", so her account is made before Sam's clash undoes it.
    data = {**invite_data, "partner_one_email": "alice@example.test", "partner_two_email": partner.email}
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(counselor).post("/couples/invite/", data)
    assert response.status_code == 302  # answered like any invitation: the front desk sorts it out
    assert counts()[:3] == before[:3]
    assert mailoutbox == []


def test_api_inviting_a_partner_of_an_active_couple_creates_nothing_and_mails_no_one(
    counselor, partner, as_user, invite_data, mailoutbox, django_capture_on_commit_callbacks
):
    data = {**invite_data, "partner_one_email": partner.email, "partner_two_email": "alice@example.test"}
    before = counts()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(counselor).post("/api/v1/invitations/", data, content_type="application/json")
    assert response.status_code == 202  # answered like any invitation: the front desk sorts it out
    assert counts()[:3] == before[:3]
    assert mailoutbox == []


def test_api_invite_creates_the_couple_and_emails_both_partners(
    counselor, as_user, invite_data, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(counselor).post("/api/v1/invitations/", invite_data, content_type="application/json")
    assert response.status_code == 202
    assert Couple.objects.get(partner_one__email="casey@example.test").primary_counselor == counselor
    assert sorted(m.to[0] for m in mailoutbox) == ["casey@example.test", "jordan@example.test"]


def test_a_client_gets_404_from_the_invite_page(partner, as_user):
    assert as_user(partner).get("/couples/invite/").status_code == 404


def test_a_client_gets_404_from_the_invite_api(partner, as_user, invite_data):
    response = as_user(partner).post("/api/v1/invitations/", invite_data, content_type="application/json")
    assert response.status_code == 404
    assert not Couple.objects.filter(partner_one__email="casey@example.test").exists()


def test_an_admin_must_choose_a_counselor_on_the_invite_page(practice_admin, as_user, invite_data):
    data = {k: v for k, v in invite_data.items() if k != "primary_counselor"}
    response = as_user(practice_admin).post("/couples/invite/", data)
    assert response.status_code == 400
    assert response.context["form"].errors["primary_counselor"]


def test_an_admin_must_choose_a_counselor_in_the_invite_api(practice_admin, as_user, invite_data):
    data = {k: v for k, v in invite_data.items() if k != "primary_counselor"}
    response = as_user(practice_admin).post("/api/v1/invitations/", data, content_type="application/json")
    assert response.status_code == 400
    assert "primary_counselor" in response.json()
    assert not Couple.objects.exists()


def test_creating_a_couple_writes_an_audit_event(invited, counselor):
    assert AuditEvent.objects.filter(
        action="couple.created", actor=counselor, target_type="accounts.couple", target_id=str(invited.pk)
    ).exists()


def test_accepting_an_invitation_writes_an_audit_event(invited, mailoutbox, client):
    accept(client, casey_link(mailoutbox))
    invitation = Invitation.objects.get(user__email="casey@example.test")
    assert AuditEvent.objects.filter(
        action="invitation.accepted", actor=invitation.user, target_id=str(invitation.pk)
    ).exists()


def test_an_invitation_is_e_mailed_from_the_web_process_when_the_broker_refuses_the_task(
    counselor, mailoutbox, django_capture_on_commit_callbacks
):
    from unittest.mock import patch

    from accounts import services
    from accounts.tasks import send_invitation_email

    with (
        patch.object(send_invitation_email, "apply_async", side_effect=ConnectionError("broker down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.couple_invite(
            invited_by=counselor,
            partner_one=services.PartnerDetails("Ada Ray", "ada@example.test"),
            partner_two=services.PartnerDetails("Bo Ray", "bo@example.test"),
        )
    assert sorted(m.to[0] for m in mailoutbox) == ["ada@example.test", "bo@example.test"]


def test_partners_invited_in_chicago_get_the_couples_time_zone(counselor, as_user, invite_data):
    as_user(counselor).post("/couples/invite/", {**invite_data, "time_zone": "America/Chicago"})
    zones = set(User.objects.filter(email__in=["casey@example.test", "jordan@example.test"]).values_list("time_zone"))
    assert zones == {("America/Chicago",)}


def test_the_invite_pages_counselor_select_reads_as_names(personas, as_user):
    page = as_user(personas.admin).get("/couples/invite/").content.decode()

    assert ">Dana Reyes</option>" in page
    assert "dana@practice.test" not in page
