"""The API's token authentication: django-rest-knox's, which also notes when
a token was last used, for its owner's Security page."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone, translation
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication
from rest_framework.request import Request

from accounts.languages import language_for
from accounts.models import ApiToken, User

# One write a minute per token at most: "last used" needs no finer grain.
LAST_USED_PRECISION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    """knox's, and the answer in the token's owner's language: the
    LanguageMiddleware ran before DRF knew who was asking (it serves session
    users), so a token user's language is activated here."""

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        result = super().authenticate(request)
        if result is not None:
            language = language_for(result[0], request=request._request)
            translation.activate(language)
            request._request.LANGUAGE_CODE = language
        return result

    def authenticate_credentials(self, token: bytes) -> tuple[User, ApiToken]:
        user, api_token = super().authenticate_credentials(token)
        now = timezone.now()
        if api_token.last_used_at is None or now - api_token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
            api_token.last_used_at = now
        return user, api_token


class ApiTokenScheme(KnoxTokenScheme):
    """The OpenAPI description of the scheme: knox's, "Authorization: Token <key>"."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
