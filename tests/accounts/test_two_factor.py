"""Counselors and practice admins must turn on TOTP before seeing client data."""

import pytest
from django.urls import reverse

from accounts.models import Invitation
from tests.factories import (
    DEFAULT_PASSWORD,
    CounselorFactory,
    CoupleFactory,
    PracticeAdminFactory,
    enable_totp,
    totp_code,
)

ACTIVATE = reverse("mfa_activate_totp")


def logged_in(client, user):
    """Log in through the real login form (not force_login)."""
    response = client.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def new_counselor(db):
    return CounselorFactory(email="newbie@practice.test")


@pytest.fixture
def new_admin(db):
    return PracticeAdminFactory(email="desk@practice.test")


def test_counselor_without_2fa_is_sent_from_couples_to_totp_activation(new_counselor, client):
    response = logged_in(client, new_counselor).get("/couples/")
    assert response.status_code == 302
    assert response.url == ACTIVATE


def test_counselor_without_2fa_gets_403_from_the_couples_api(new_counselor, client):
    assert logged_in(client, new_counselor).get("/api/v1/couples/").status_code == 403


def test_counselor_without_2fa_reaches_totp_activation_after_confirming_the_password(new_counselor, client):
    logged_in(client, new_counselor)
    reauthenticate = client.get(ACTIVATE).url  # allauth asks for the password again first
    assert reauthenticate.startswith(reverse("account_reauthenticate"))
    assert client.post(reauthenticate, {"password": DEFAULT_PASSWORD}).url == ACTIVATE
    assert client.get(ACTIVATE).status_code == 200


def test_admin_without_2fa_is_sent_from_couples_to_totp_activation(new_admin, client):
    response = logged_in(client, new_admin).get("/couples/")
    assert response.status_code == 302
    assert response.url == ACTIVATE


def test_admin_without_2fa_gets_403_from_the_couples_api(new_admin, client):
    assert logged_in(client, new_admin).get("/api/v1/couples/").status_code == 403


def test_client_without_2fa_is_not_asked_for_it(partner, client):
    logged_in(client, partner)
    assert client.get("/me/").status_code == 200
    assert client.get("/api/v1/couples/").status_code == 200


def test_counselor_reaches_couples_once_totp_is_enabled(new_counselor, client):
    logged_in(client, new_counselor)
    enable_totp(new_counselor)
    assert client.get("/couples/").status_code == 200


def test_totp_user_is_not_logged_in_by_the_password_alone(counselor, client):
    response = client.post("/accounts/login/", {"login": counselor.email, "password": DEFAULT_PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    assert client.get("/couples/").url.startswith("/accounts/login/")


def test_totp_user_is_logged_in_by_password_then_code(counselor, client):
    client.post("/accounts/login/", {"login": counselor.email, "password": DEFAULT_PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(counselor.totp_secret)})
    assert response.status_code == 302
    assert client.get("/couples/").status_code == 200


def test_django_admin_login_does_not_accept_a_password_alone(db, client):
    boss = PracticeAdminFactory(email="boss@practice.test", is_staff=True, is_superuser=True)
    enable_totp(boss)
    response = client.post("/admin/login/", {"username": boss.email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_counselor_without_2fa_cannot_resend_invitations(
    new_counselor, client, mailoutbox, django_capture_on_commit_callbacks
):
    couple = CoupleFactory(primary_counselor=new_counselor)
    invitation = Invitation.objects.create(couple=couple, user=couple.partner_one, invited_by=new_counselor)
    logged_in(client, new_counselor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/invitations/{invitation.pk}/resend/")
    assert response.url == ACTIVATE
    assert mailoutbox == []


def test_the_code_page_asks_phones_for_the_number_pad_and_offers_the_code(counselor, client):
    client.post("/accounts/login/", {"login": counselor.email, "password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert 'inputmode="numeric"' in page
    assert 'autocomplete="one-time-code"' in page


def test_the_code_page_is_laid_out_like_the_login_page(counselor, client):
    client.post("/accounts/login/", {"login": counselor.email, "password": DEFAULT_PASSWORD})
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert '<section class="card narrow">' in page
