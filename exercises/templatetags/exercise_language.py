"""An exercise's text in the reader's language, for lists and headings:
``{% load exercise_language %}{{ assignment|exercise_title }}``.

A template or an assignment; the active language (the reader's, set by
accounts.middleware.LanguageMiddleware); exercises/translations.py falls back
to the original text where there is no translation.
"""

from __future__ import annotations

from typing import Any

from django import template

from exercises.translations import localized_text, localized_title

register = template.Library()


@register.filter
def exercise_title(obj: Any) -> str:
    """{{ a|exercise_title }}: a template's or an assignment's title in the active language."""
    return localized_title(obj) if obj is not None else ""


@register.filter
def exercise_summary(obj: Any) -> str:
    """{{ t|exercise_summary }}: a template's summary in the active language."""
    return localized_text(obj).summary if obj is not None else ""
