"""Wrong second-factor codes are counted per account on every path that takes
one (the login page's code step and the API's token endpoint, TOTP and
recovery codes alike), and the token endpoint is limited per address."""

import pytest
from allauth.account import app_settings as account_settings
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.test import Client
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, ClientFactory, totp_code

CODE_LIMIT = 5  # allauth's ACCOUNT_LOGIN_ATTEMPTS_LIMIT, which the login page's code step applies


def token(client, **data):
    return client.post("/api/v1/auth/token/", data, content_type="application/json")


def wrong_code(secret):
    return f"{(int(totp_code(secret)) + 1) % 1_000_000:06d}"


def test_wrong_codes_on_the_api_lock_the_second_factor(counselor, client):
    for _ in range(CODE_LIMIT):
        token(client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=wrong_code(counselor.totp_secret))
    response = token(
        client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=totp_code(counselor.totp_secret)
    )
    assert response.status_code == 429
    assert "token" not in response.json()


def test_the_api_lockout_answers_in_json_saying_what_happened(counselor, client):
    for _ in range(CODE_LIMIT + 1):
        response = token(
            client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=wrong_code(counselor.totp_secret)
        )
    assert response.headers["Content-Type"] == "application/json"
    assert "Too many" in response.json()["detail"]


def test_wrong_codes_on_the_login_page_count_on_the_api_too(counselor):
    page = Client()
    page.post("/accounts/login/", {"login": counselor.email, "password": DEFAULT_PASSWORD})
    for _ in range(CODE_LIMIT):
        page.post(reverse("mfa_authenticate"), {"code": wrong_code(counselor.totp_secret)})
    code = totp_code(counselor.totp_secret)
    assert token(Client(), email=counselor.email, password=DEFAULT_PASSWORD, otp_code=code).status_code == 429


def test_after_wrong_codes_a_valid_recovery_code_is_refused_too(counselor, client):
    recovery = RecoveryCodes.activate(counselor).get_unused_codes()[0]
    for _ in range(CODE_LIMIT):
        token(client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code="00000000")
    assert token(client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=recovery).status_code == 429


def test_a_right_code_below_the_limit_gets_a_token(counselor, client):
    for _ in range(CODE_LIMIT - 1):
        token(client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=wrong_code(counselor.totp_secret))
    response = token(
        client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=totp_code(counselor.totp_secret)
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_token_endpoint_limits_attempts_from_one_address_across_accounts():
    per_address = int(account_settings.RATE_LIMITS["login"].split("/")[0])
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(per_address):
        token(sprayer, email=f"person{n}@example.test", password="Summer2025!")
    response = token(sprayer, email="one-more@example.test", password="Summer2025!")
    assert response.status_code == 429
    assert "Too many" in response.json()["detail"]


@pytest.mark.django_db
def test_the_address_limit_does_not_hold_back_another_address():
    pat = ClientFactory(email="pat@example.test")
    per_address = int(account_settings.RATE_LIMITS["login"].split("/")[0])
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(per_address + 1):
        token(sprayer, email=f"person{n}@example.test", password="Summer2025!")
    assert token(Client(REMOTE_ADDR="198.51.100.7"), email=pat.email, password=DEFAULT_PASSWORD).status_code == 200
