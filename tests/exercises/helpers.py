"""Plain helpers shared by the exercises tests."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError

# A short form for tests that only need "a template".
SIMPLE_FIELDS: list[dict[str, Any]] = [
    {"key": "feeling", "kind": "short_text", "label": "I feel…", "required": True, "max_length": 50},
    {"key": "closeness", "kind": "scale", "label": "How close?", "required": False},
]


def errors_of(exc: ValidationError) -> dict[str, list[str]]:
    """{field key: [messages]} of a ValidationError raised with a dict."""
    return exc.message_dict
