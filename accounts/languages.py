"""Which language a person reads the portal in.

One rule, used by the pages (LanguageMiddleware), the e-mails and reminders
(delivery activates the recipient's language per message), calendar feeds and
PDFs: the person's own choice (User.language), else the practice's language
(settings.PRACTICE_LANGUAGE), else, for a request, the browser's, else English.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

if TYPE_CHECKING:
    from accounts.models import User

SUPPORTED = tuple(code for code, _name in settings.LANGUAGES)


def language_for(user: User | None, *, request: HttpRequest | None = None) -> str:
    """The language to write to ``user`` in (a code from settings.LANGUAGES)."""
    chosen = getattr(user, "language", "") if user is not None else ""
    if chosen in SUPPORTED:
        return chosen
    if settings.PRACTICE_LANGUAGE:
        return settings.PRACTICE_LANGUAGE
    if request is not None:
        from_browser = translation.get_language_from_request(request)
        if from_browser in SUPPORTED:
            return from_browser
    return settings.LANGUAGE_CODE


def active_language() -> str:
    """The language being written in now (a page's, or an override's) as one of
    SUPPORTED's bare codes: "es-mx" reads "es", anything else the default."""
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return active if active in SUPPORTED else settings.LANGUAGE_CODE


def override_for(user: User | None) -> translation.override:
    """``with override_for(recipient):`` writes an e-mail, a notice or a PDF in their language."""
    return translation.override(language_for(user))
