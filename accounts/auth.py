"""Logging in: the identifier django-axes counts failures by, the API's
exchange of credentials (plus a TOTP code where enabled) for a token, and
the owner's list and revocation of their tokens."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from allauth.core import ratelimit
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.usersessions.models import UserSession
from django.contrib.auth import authenticate
from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, User


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


class TooManyAttempts(TokenRefused):
    """Too many attempts from this address, or too many wrong codes for this
    account: refused until the window passes, whatever is sent (429)."""


TOO_MANY_ATTEMPTS = _("Too many sign-in attempts. Please wait a few minutes, then try again.")


def _second_factor_key(user: User) -> str:
    # The key allauth's own code step counts wrong codes under
    # (allauth.mfa.base.internal.flows.check_rate_limit): the login page and
    # the API share one count per account.
    return f"mfa-auth-user-{user.pk}"


def verify_second_factor(user: User, code: str) -> bool:
    """True if code is the user's current TOTP code or an unused recovery code."""
    code = code.strip().replace(" ", "")
    for authenticator in Authenticator.objects.filter(user=user):
        if authenticator.type == Authenticator.Type.TOTP and TOTP(authenticator).validate_code(code):
            return True
        if authenticator.type == Authenticator.Type.RECOVERY_CODES and RecoveryCodes(authenticator).validate_code(code):
            return True
    return False


def second_factor_check(*, request: HttpRequest, user: User, code: str) -> bool:
    """verify_second_factor, counted: each code tried (TOTP or recovery) uses
    one of the account's attempts, as on the login page's code step
    (ACCOUNT_LOGIN_ATTEMPTS_LIMIT in ACCOUNT_LOGIN_ATTEMPTS_TIMEOUT); a right
    code clears the count. Raises TooManyAttempts once they are used up."""
    key = _second_factor_key(user)
    if not ratelimit.consume(request, action="login_failed", key=key):
        raise TooManyAttempts(str(TOO_MANY_ATTEMPTS))
    if not verify_second_factor(user, code):
        return False
    ratelimit.clear(request, action="login_failed", key=key)
    return True


def api_token_obtain(*, request: HttpRequest, email: str, password: str, otp_code: str = "") -> tuple[ApiToken, str]:
    """Exchange e-mail, password and (where 2FA is on) a code for a new API
    token; returns the stored token and the key, which is shown only now.

    Every refusal reads the same whether or not the address exists, and goes
    through authenticate(), so django-axes counts it and locks it out. Each
    address gets as many attempts as on the login page (allauth's "login"
    rate), across all accounts, so passwords cannot be sprayed through here."""
    if not ratelimit.consume(request, action="login"):
        raise TooManyAttempts(str(TOO_MANY_ATTEMPTS))
    with login_attempts_serialized(email):
        user = authenticate(request, email=email.strip().lower(), password=password)
    if user is None or not isinstance(user, User):
        raise TokenRefused(gettext("Unable to log in with the e-mail address and password given."))
    if Authenticator.objects.filter(user=user).exists():
        if not otp_code:
            raise TokenRefused(gettext("Enter the code from your authenticator app."), otp_required=True)
        if not second_factor_check(request=request, user=user, code=otp_code):
            raise TokenRefused(gettext("That code is not valid."), otp_required=True)
    label = request.META.get("HTTP_USER_AGENT", "")[: ApiToken._meta.get_field("label").max_length]
    return ApiToken.objects.create(user=user, label=label)


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's tokens still in force, newest first."""
    now = timezone.now()
    return ApiToken.objects.filter(user=user).filter(Q(expiry__isnull=True) | Q(expiry__gt=now)).order_by("-created")


def api_token_revoke(*, actor: User, token_key: str) -> None:
    """Revoke one of the actor's own tokens; anyone else's is a 404, as is a missing one."""
    deleted, _ = ApiToken.objects.filter(user=actor, token_key=token_key).delete()
    if not deleted:
        raise Http404


def api_tokens_revoke_all(*, user: User) -> int:
    """Revoke every token of the user (password changed, signed out everywhere)."""
    deleted, _ = ApiToken.objects.filter(user=user).delete()
    return deleted


def sign_out_everywhere(*, user: User, keep_session_key: str | None) -> None:
    """Revoke every API token of the user and end their other signed-in
    sessions (those allauth recorded at login); the one asking stays in."""
    api_tokens_revoke_all(user=user)
    for session in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key or ""):
        session.end()
