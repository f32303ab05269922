"""E-mail helpers shared by accounts' mails: a rendered message as data for a
Celery task and back."""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMultiAlternatives


def email_to_dict(message: EmailMultiAlternatives) -> dict[str, Any]:
    """A rendered e-mail as JSON-safe data for a Celery task (text and HTML parts)."""
    html = next((content for content, mimetype in message.alternatives if mimetype == "text/html"), None)
    return {
        "subject": message.subject,
        "body": message.body,
        "html": html,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
    }


def email_from_dict(data: dict[str, Any]) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        headers=data.get("headers") or {},
    )
    if data.get("html"):
        message.attach_alternative(data["html"], "text/html")
    return message
