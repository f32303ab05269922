"""How accounts reacts to allauth and to Django's login: a new password
revokes every API token, so a token taken by someone who knew the old password
stops working; logging in switches the rest of that request to the person's
own language, so that "signed in" reads in it rather than in the browser's."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation

from accounts import auth
from accounts.languages import language_for
from accounts.models import User


def password_changed(sender: object, *, user: User, **kwargs: Any) -> None:
    auth.api_tokens_revoke_all(user=user)


def logged_in(sender: object, *, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    language = language_for(user, request=request)
    translation.activate(language)
    if request is not None:
        request.LANGUAGE_CODE = language
