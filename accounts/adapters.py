from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import translation

from accounts.languages import language_for
from portal import policy
from portal.http import client_ip

logger = logging.getLogger(__name__)


class PortalAccountAdapter(DefaultAccountAdapter):
    """Accounts are created by invitation only; nobody signs themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """Leave counting failed logins to django-axes alone (see AXES_* in
        settings). allauth's own limiter lives in the cache: it would refuse
        first, with a form error instead of the lockout page (429), and before
        authenticate() runs, so axes would not see the attempt; and its
        read-then-write counter can miss parallel attempts."""
        return None

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's rate limits count the client's address as every other
        limit does: behind TRUSTED_PROXIES, the one they report."""
        return client_ip(request) or "unknown"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render here (the request is at hand), send through Celery (a slow
        or unreachable mail server never holds up the page). With a text part
        and an HTML part, the latter from emails/account_message.html when
        allauth has no HTML template. If the broker cannot take the task
        (publishing fails fast, see CELERY_BROKER_*), the mail is sent here."""
        from allauth.account.adapter import context as allauth_context

        request = allauth_context.request
        recipient = self._recipient(email, context)
        # In the recipient's language (theirs, else the practice's); to an
        # address with no account, in the page's.
        language = language_for(recipient, request=request) if recipient is not None else translation.get_language()
        with translation.override(language):
            message = self._render(template_prefix, email, context, recipient, request)
        self._queue(message)

    def _render(
        self, template_prefix: str, email: str, context: dict, recipient: Any, request: HttpRequest
    ) -> EmailMultiAlternatives:
        from django.contrib.sites.shortcuts import get_current_site

        from accounts import services

        if recipient is not None and policy.in_safety_mode(recipient):
            return services.safety_notice_message(to=email, url=_safety_notice_link(context))
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        if not isinstance(message, EmailMultiAlternatives):
            message = EmailMultiAlternatives(message.subject, message.body, message.from_email, message.to)
        if not any(mimetype == "text/html" for _, mimetype in message.alternatives):
            html = render_to_string(
                "emails/account_message.html",
                {"subject": message.subject, "body": message.body, "practice_name": settings.PRACTICE_NAME},
            )
            message.attach_alternative(html, "text/html")
        return message

    @staticmethod
    def _recipient(email: str, context: dict) -> Any:
        """The account the e-mail goes to, if there is one. A person in safety
        mode gets the neutral notice (no practice name, no content) with the
        e-mail's link, whatever allauth would say."""
        from accounts.models import User

        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        return user

    @staticmethod
    def _queue(message: EmailMultiAlternatives) -> None:
        from accounts import services
        from accounts.tasks import send_rendered_email

        try:
            send_rendered_email.apply_async(args=[services.email_to_dict(message)], retry=False)
        except Exception:  # the broker, whatever its client raises
            logger.warning("the broker did not take an account e-mail; sending it from the web process")
            message.send()


def _safety_notice_link(context: dict) -> str:
    """The link the e-mail exists for (a password reset's), else the portal's login."""
    from django.urls import reverse

    for key in ("password_reset_url", "activate_url"):
        if context.get(key):
            return str(context[key])
    return settings.PORTAL_BASE_URL + reverse("account_login")
