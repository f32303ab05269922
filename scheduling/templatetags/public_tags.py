"""Small helpers for the public pages' templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def initials(full_name: str) -> str:
    """The placeholder of a counselor without a photo: 'Grace Holt' -> 'GH' (first and last words)."""
    words = [word for word in str(full_name).split() if word[:1].isalpha()]
    if not words:
        return "?"
    picked = words if len(words) == 1 else [words[0], words[-1]]
    return "".join(word[0].upper() for word in picked)


@register.filter
def phone_link(phone: str) -> str:
    """The tel: form of a printed number: digits and a leading + only."""
    text = str(phone)
    return ("+" if text.strip().startswith("+") else "") + "".join(ch for ch in text if ch.isdigit())
