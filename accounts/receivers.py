"""How accounts reacts to allauth: a new password revokes every API token,
so a token taken by someone who knew the old password stops working."""

from __future__ import annotations

from typing import Any

from accounts import auth
from accounts.models import User


def password_changed(sender: object, *, user: User, **kwargs: Any) -> None:
    auth.api_tokens_revoke_all(user=user)
