"""Logging in: pages (allauth + django-axes) and the API token endpoint."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from unittest.mock import patch

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.db.models import Sum
from django.test import Client

from accounts.models import ApiToken, User
from tests.factories import DEFAULT_PASSWORD, ClientFactory, totp_code

WRONG = "not the right password"


@pytest.fixture
def pat(db):
    """A client without two-factor authentication, so a password alone logs in."""
    return ClientFactory(full_name="Pat Client", email="pat@example.test")


def login(client, email, password):
    return client.post("/accounts/login/", {"login": email, "password": password})


def form_errors(response):
    return response.context["form"].errors if response.context else None


def token(client, **data):
    return client.post("/api/v1/auth/token/", data, content_type="application/json")


def test_good_credentials_log_in(pat, client):
    response = login(client, pat.email, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200


def test_unknown_email_answers_exactly_like_a_wrong_password(pat, client):
    wrong_password = login(client, pat.email, WRONG)
    unknown = login(client, "nobody@example.test", WRONG)
    assert wrong_password.status_code == unknown.status_code == 200
    assert form_errors(wrong_password) == form_errors(unknown)
    assert "not correct" in str(form_errors(unknown))


def test_password_reset_answers_the_same_whether_or_not_the_address_exists(pat, client, mailoutbox):
    known = client.post("/accounts/password/reset/", {"email": pat.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == "/accounts/password/reset/done/"


def test_password_reset_emails_only_an_existing_address(pat, client, mailoutbox):
    client.post("/accounts/password/reset/", {"email": pat.email})
    client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert [m.to for m in mailoutbox] == [[pat.email]]


def test_lockout_after_the_failure_limit_refuses_the_right_password(pat, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, pat.email, WRONG)
    response = login(client, pat.email, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert client.get("/me/").status_code == 302  # still anonymous


def test_failures_below_the_limit_do_not_lock_out(pat, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, pat.email, WRONG)
    assert login(client, pat.email, DEFAULT_PASSWORD).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(settings):
    # allauth's per-IP limit on the login page takes a cache lock that it waits
    # for at most a second; some of 20 simultaneous requests can be refused
    # there, before any password check. This test is about the lockout itself.
    settings.ACCOUNT_RATE_LIMITS = {"login": None}
    user = ClientFactory(email="racer@example.test")
    attempts = 20
    barrier = Barrier(attempts)
    password_checks = []
    real_check_password = User.check_password

    def counting_check_password(self, raw_password):
        password_checks.append(self.email)
        return real_check_password(self, raw_password)

    def attempt(_):
        try:
            barrier.wait(timeout=30)
            return login(Client(), user.email, WRONG).status_code
        finally:
            connection.close()

    with (
        patch.object(User, "check_password", counting_check_password),
        ThreadPoolExecutor(max_workers=attempts) as pool,
    ):
        statuses = list(pool.map(attempt, range(attempts)))

    # Each attempt waited for the one before it, so only the first few reached
    # the password check; every later one met the lockout (and was counted).
    assert len(password_checks) == settings.AXES_FAILURE_LIMIT
    assert set(statuses) == {200, 429}
    total = AccessAttempt.objects.filter(username=user.email).aggregate(n=Sum("failures_since_start"))["n"]
    assert total == attempts
    assert login(Client(), user.email, DEFAULT_PASSWORD).status_code == 429


def test_token_wrong_password_reads_like_an_unknown_address(pat, client):
    wrong = token(client, email=pat.email, password=WRONG)
    unknown = token(client, email="nobody@example.test", password=WRONG)
    assert wrong.status_code == unknown.status_code == 400
    assert wrong.json() == unknown.json()


def test_token_for_a_totp_user_without_a_code_asks_for_otp_code(counselor, client):
    response = token(client, email=counselor.email, password=DEFAULT_PASSWORD)
    assert response.status_code == 400
    assert "otp_code" in response.json()
    assert "token" not in response.json()


def test_token_for_a_totp_user_with_a_wrong_code_is_refused(counselor, client):
    good = totp_code(counselor.totp_secret)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"
    response = token(client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=bad)
    assert response.status_code == 400
    assert "otp_code" in response.json()


def test_token_with_a_valid_code_authenticates_api_calls(counselor, client):
    response = token(
        client, email=counselor.email, password=DEFAULT_PASSWORD, otp_code=totp_code(counselor.totp_secret)
    )
    assert response.status_code == 200
    me = Client().get("/api/v1/me/", headers={"Authorization": f"Token {response.json()['token']}"})
    assert me.status_code == 200
    assert me.json()["email"] == counselor.email


def test_token_endpoint_is_locked_out_after_the_failure_limit(pat, client):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        token(client, email=pat.email, password=WRONG)
    response = token(client, email=pat.email, password=DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert not ApiToken.objects.filter(user=pat).exists()


def test_lockout_counts_an_address_however_written_and_from_whatever_ip(pat):
    for n, email in enumerate(
        ["pat@example.test", "PAT@example.test", " Pat@Example.test", "pAt@example.TEST", "PAT@EXAMPLE.TEST"]
    ):
        login(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), email, WRONG)
    assert login(Client(REMOTE_ADDR="10.0.0.99"), pat.email, DEFAULT_PASSWORD).status_code == 429


def test_a_forged_forwarded_for_does_not_change_the_address_axes_records(pat, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    login(Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9"), pat.email, WRONG)
    assert AccessAttempt.objects.get(username=pat.email).ip_address == "198.51.100.7"


def test_axes_records_the_client_address_a_trusted_proxy_reports(pat, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    login(Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9"), pat.email, WRONG)
    assert AccessAttempt.objects.get(username=pat.email).ip_address == "203.0.113.9"
