"""Logging in: the identifier django-axes counts failures by, and the API's
exchange of credentials (plus a TOTP code where enabled) for a token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from accounts.models import User


def login_identifier(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The lower-cased e-mail of a login attempt, from the allauth form, the
    API or Django's own forms alike, so each address has one failure count."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("login") or data.get("email") or data.get("username") or ""
    return str(value).strip().lower()


@contextmanager
def login_attempts_serialized(identifier: str) -> Iterator[None]:
    """Run one login attempt for this identifier at a time.

    django-axes checks the failure count before the password and records the
    failure after it; attempts racing in parallel would all pass the check
    before any is recorded. A transaction-scoped advisory lock per identifier
    makes each attempt see the ones before it, so a burst of parallel guesses
    gets no more password checks than the failure limit allows."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"login:{identifier.strip().lower()}"])
        # SQLite (the embedded default) serialises writing transactions itself.
        yield


class TokenRefused(Exception):
    """Credentials that do not yield a token; the message is safe to show."""

    def __init__(self, message: str, *, otp_required: bool = False) -> None:
        super().__init__(message)
        self.otp_required = otp_required


def verify_second_factor(user: User, code: str) -> bool:
    """True if code is the user's current TOTP code or an unused recovery code."""
    code = code.strip().replace(" ", "")
    for authenticator in Authenticator.objects.filter(user=user):
        if authenticator.type == Authenticator.Type.TOTP and TOTP(authenticator).validate_code(code):
            return True
        if authenticator.type == Authenticator.Type.RECOVERY_CODES and RecoveryCodes(authenticator).validate_code(code):
            return True
    return False


def api_token_obtain(*, request: HttpRequest, email: str, password: str, otp_code: str = "") -> Token:
    """Exchange e-mail, password and (where 2FA is on) a code for an API token.

    Every refusal reads the same whether or not the address exists, and goes
    through authenticate(), so django-axes counts it and locks it out."""
    with login_attempts_serialized(email):
        user = authenticate(request, email=email.strip().lower(), password=password)
    if user is None or not isinstance(user, User):
        raise TokenRefused("Unable to log in with the e-mail address and password given.")
    if Authenticator.objects.filter(user=user).exists():
        if not otp_code:
            raise TokenRefused("Enter the code from your authenticator app.", otp_required=True)
        if not verify_second_factor(user, otp_code):
            raise TokenRefused("That code is not valid.", otp_required=True)
    token, _ = Token.objects.get_or_create(user=user)
    return token
