"""Markdown for exercise instructions, rendered safely.

Counselors write instructions in Markdown, and their text reaches clients'
browsers, so the HTML that Markdown produces (which passes raw HTML through)
is cleaned with nh3 against a small allow-list: no script or style, no event
handler attributes, and links only to http(s) and mailto.
"""

from __future__ import annotations

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
# Removed with their content, not just unwrapped: their text is code or styling, not prose.
DROPPED_WITH_CONTENT = {"script", "style"}


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML, cleaned: safe to put in a page as it is."""
    html = md.markdown(text or "", extensions=["sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=DROPPED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308  # cleaned by nh3 just above
