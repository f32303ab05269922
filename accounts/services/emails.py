"""E-mail helpers shared by the portal's mails: a rendered message as data for
a Celery task and back, and the neutral notice sent instead of any e-mail to
a person in safety mode (accounts.models.PartnerSafety)."""

from __future__ import annotations

from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

# What a person in safety mode receives instead of any e-mail: no practice
# name (not in the sender's name, the subject, the body or a footer) and no
# content, only that there is something new and the link.
# Both are written when the e-mail is (str() under the recipient's language).
SAFETY_NOTICE_SUBJECT = _("You have a new notice")
SAFETY_SENDER_NAME = _("Client portal")


def neutral_from_email() -> str:
    """The practice's sending address under a neutral display name."""
    _, address = parseaddr(str(settings.DEFAULT_FROM_EMAIL))
    return formataddr((str(SAFETY_SENDER_NAME), address or "no-reply@localhost"))


def safety_notice_message(
    *,
    to: str,
    url: str,
    unsubscribe_url: str = "",
    headers: dict[str, str] | None = None,
    connection: BaseEmailBackend | None = None,
) -> EmailMultiAlternatives:
    """The neutral notice: "there is something new in your portal", the link;
    in the language active (the caller's ``override_for(recipient)``)."""
    ctx = {"url": url, "unsubscribe_url": unsubscribe_url}
    message = EmailMultiAlternatives(
        subject=str(SAFETY_NOTICE_SUBJECT),
        body=render_to_string("emails/safety_notice.txt", ctx),
        from_email=neutral_from_email(),
        to=[to],
        headers=headers or {},
        connection=connection,
    )
    message.attach_alternative(render_to_string("emails/safety_notice.html", ctx), "text/html")
    return message


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
