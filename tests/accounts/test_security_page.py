"""The Security page: one's API tokens, revoking one, signing out everywhere."""

import pytest
from django.test import Client

from accounts.models import ApiToken
from tests.factories import DEFAULT_PASSWORD


def api_me(key):
    return Client().get("/api/v1/me/", headers={"Authorization": f"Token {key}"})


def signed_in(user):
    """A browser signed in through the login page (allauth records the session)."""
    browser = Client()
    assert browser.post("/accounts/login/", {"login": user.email, "password": DEFAULT_PASSWORD}).status_code == 302
    return browser


@pytest.fixture
def sams_token(partner):
    _, key = ApiToken.objects.create(user=partner, label="CouplesApp/2.1 (iPhone)")
    return key


def test_the_security_page_lists_ones_tokens_by_the_client_that_asked(partner, sams_token, as_user):
    page = as_user(partner).get("/profile/security/").content.decode()
    assert "CouplesApp/2.1 (iPhone)" in page


def test_the_security_page_does_not_list_someone_elses_tokens(partner, other_partner, sams_token, as_user):
    assert "CouplesApp" not in as_user(other_partner).get("/profile/security/").content.decode()


def test_staff_have_a_security_page_too(counselor, as_user):
    assert as_user(counselor).get("/profile/security/").status_code == 200


def test_the_profile_links_to_the_security_page(partner, as_user):
    assert 'href="/profile/security/"' in as_user(partner).get("/profile/").content.decode()


def test_revoking_a_token_stops_it_working(partner, sams_token, as_user):
    token_key = ApiToken.objects.get(user=partner).token_key
    response = as_user(partner).post(f"/profile/security/tokens/{token_key}/revoke/")
    assert response.status_code == 302
    assert api_me(sams_token).status_code == 403


def test_someone_elses_token_cannot_be_revoked(partner, other_partner, sams_token, as_user):
    token_key = ApiToken.objects.get(user=partner).token_key
    assert as_user(other_partner).post(f"/profile/security/tokens/{token_key}/revoke/").status_code == 404
    assert api_me(sams_token).status_code == 200


def test_signing_out_everywhere_revokes_every_token(partner, sams_token, as_user):
    as_user(partner).post("/profile/security/sign-out-everywhere/")
    assert api_me(sams_token).status_code == 403


def test_signing_out_everywhere_ends_the_other_sessions(partner):
    elsewhere = signed_in(partner)
    here = signed_in(partner)
    here.post("/profile/security/sign-out-everywhere/")
    assert elsewhere.get("/me/").status_code == 302  # sent to the login page
    assert here.get("/me/").status_code == 200
