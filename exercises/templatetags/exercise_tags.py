from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from exercises.fields import FieldKind
from exercises.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """{{ template.instructions|markdown }}: Markdown rendered and sanitised."""
    return render_markdown(text)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """{{ answers|get_item:field.key }}: a dict lookup by a variable key."""
    if hasattr(mapping, "get"):
        return mapping.get(key)
    return None


@register.filter
def field_kind_label(kind: str) -> str:
    """A question's kind as people read it ("Short text"), not its id."""
    return str(FieldKind(kind).label) if kind in FieldKind.values else kind
