"""API tokens: a new one per login, stored hashed, with an expiry; revoked by
a password change, by signing out everywhere and by their owner."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.factories import DEFAULT_PASSWORD, ClientFactory


@pytest.fixture
def pat(db):
    """A client without two-factor authentication, so a password alone gets a token."""
    return ClientFactory(full_name="Pat Client", email="pat@example.test")


def obtain(user, **headers):
    response = Client(**headers).post(
        "/api/v1/auth/token/", {"email": user.email, "password": DEFAULT_PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def api_me(key):
    return Client().get("/api/v1/me/", headers={"Authorization": f"Token {key}"})


def refused(response):
    # 403, not 401: session authentication comes first and names no scheme to retry with.
    return response.status_code == 403 and response.json()["detail"] == "Invalid token."


def test_each_login_gets_a_new_token(pat):
    assert obtain(pat)["token"] != obtain(pat)["token"]


def test_an_earlier_token_keeps_working_after_another_login(pat):
    first = obtain(pat)["token"]
    obtain(pat)
    assert api_me(first).status_code == 200


def test_the_token_comes_with_its_expiry(pat, settings):
    expiry = obtain(pat)["expiry"]
    expected = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS)
    assert abs(timezone.datetime.fromisoformat(expiry) - expected) < timedelta(minutes=1)


def test_an_expired_token_is_refused(pat):
    from accounts.models import ApiToken

    key = obtain(pat)["token"]
    ApiToken.objects.filter(user=pat).update(expiry=timezone.now() - timedelta(seconds=1))
    assert refused(api_me(key))


def test_the_token_itself_is_not_stored(pat):
    key = obtain(pat)["token"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM accounts_apitoken")
        stored = [row[0] for row in cursor.fetchall()]
    assert stored and key not in stored


def test_the_token_remembers_the_client_that_asked_for_it(pat):
    from accounts.models import ApiToken

    obtain(pat, HTTP_USER_AGENT="CouplesApp/2.1 (iPhone)")
    assert ApiToken.objects.get(user=pat).label == "CouplesApp/2.1 (iPhone)"


def test_changing_the_password_revokes_every_token(pat):
    key = obtain(pat)["token"]
    page = Client()
    page.force_login(pat, backend="django.contrib.auth.backends.ModelBackend")
    response = page.post(
        "/accounts/password/change/",
        {"oldpassword": DEFAULT_PASSWORD, "password1": "a new long passphrase", "password2": "a new long passphrase"},
    )
    assert response.status_code == 302
    assert refused(api_me(key))
