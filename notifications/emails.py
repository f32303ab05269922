"""What a reminder says: the e-mail (HTML and text parts from templates) and
the in-app notification's line. Never the content of an answer: e-mail is no
safe channel for clinical content, so a reminder names the exercise and when
it is due, and links to the portal, where the reader logs in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_lazy, pgettext

from accounts.languages import override_for
from accounts.services import SAFETY_NOTICE_SUBJECT, safety_notice_message
from exercises.builtin_intake import title_outside_the_portal
from notifications import email_frame, selectors
from notifications.models import APPOINTMENT_KINDS, Reminder, ReminderKind
from notifications.paperwork import first_start_of
from portal import policy
from scheduling.models import AppointmentStatus, ChangeAction, IntakeRequest

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
T = TypeVar("T")
# The in-app notice of a person in safety mode (see accounts.models.PartnerSafety).
SAFETY_NOTICE_LINE = gettext_lazy("There is something new for you in your portal.")


def when_format() -> str:
    """How a reminder names a moment (PHP-style date format), in the active
    language: "Wednesday, April 8 at 7:00 PM", "miércoles 8 de abril a las 19:00"."""
    return pgettext("date format of a reminder (Django date syntax)", "l, F j \\a\\t g:i A")


def format_when(local: datetime) -> str:
    """``local`` (an aware datetime in the reader's zone) as a reminder names it."""
    return dateformat.format(local, when_format())


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """Signed (user, kind): the link unsubscribes that user from that kind of
    e-mail only. No expiry: a link in an old e-mail must still work."""
    # Not compressed: so short a payload never shrinks, and zlib costs each
    # e-mail. Links from before still work (loads reads both forms).
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_claims(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a genuine token, else None."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, kind = data.get("u"), data.get("k")
    if not isinstance(user_id, int) or kind not in ReminderKind.values:
        return None
    return user_id, kind


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL + path


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    before, after = _unsubscribe_path_around_token()
    return absolute(before + unsubscribe_token(user_id=user_id, kind=kind) + after)


# Each e-mail has two links whose paths need no per-message reverse():
# resolving a URL name costs as much as signing the unsubscribe token.
@lru_cache(maxsize=1)
def _unsubscribe_path_around_token() -> tuple[str, str]:
    """The unsubscribe path, split where its token goes (a signed token needs
    no quoting in a path: URL-safe base64 and colons)."""
    marker = "TOKEN"
    before, found, after = reverse("notifications:unsubscribe", args=[marker]).partition(marker)
    assert found, "the unsubscribe route takes its token as a path segment"
    return before, after


@lru_cache(maxsize=1)
def _preferences_path() -> str:
    return reverse("notifications:preferences")


def message_id(reminder: Reminder) -> str:
    """Derived from the reminder's id: if a message has to be sent twice (a
    worker killed between sending and recording it), both copies carry the
    same Message-ID and mail clients show one."""
    domain = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return f"<reminder.{reminder.pk}.{reminder.kind}@{domain}>"


def _kept_on(reminder: Reminder, name: str, compute: Callable[[Reminder], T]) -> T:
    """``compute(reminder)``, worked out once and kept on the reminder:
    delivery needs a reminder's wording and link twice (in-app, e-mail)."""
    if name not in reminder.__dict__:
        reminder.__dict__[name] = compute(reminder)
    return reminder.__dict__[name]


def _portal_path(reminder: Reminder) -> str:
    """Where the reminder's link leads."""
    return _kept_on(reminder, "_portal_path", _find_portal_path)


def _find_portal_path(reminder: Reminder) -> str:
    if reminder.appointment_id is not None:
        return reverse("appointment_detail", args=[reminder.appointment_id])
    if reminder.kind == ReminderKind.INTAKE_REQUESTED:
        return reverse("intake_detail", args=[int(reminder.object_key.split(":")[1])])
    if reminder.kind == ReminderKind.INTAKE_PAPERWORK:
        return reverse("partner_intake")
    if reminder.kind == ReminderKind.MESSAGE_RECEIVED and reminder.thread_id is not None:
        return thread_path(reminder.thread_id)
    if reminder.occurrence_id is not None:
        try:
            return reverse("occurrence_detail", args=[reminder.occurrence_id])
        except NoReverseMatch:  # the exercises pages are not wired in yet
            pass
    return reverse("home")


def thread_path(thread_id: int) -> str:
    """A conversation's page (messaging's), or the home page if messaging's
    pages are not wired in."""
    try:
        return reverse("messaging:thread", args=[thread_id])
    except NoReverseMatch:
        return reverse("home")


@dataclass(frozen=True)
class Wording:
    subject: str
    line: str  # the in-app notification's text (also the e-mail's first line)


def _when(reminder: Reminder, tz: ZoneInfo) -> str:
    assert reminder.occurrence is not None
    return format_when(reminder.occurrence.due_at.astimezone(tz))


def wording(reminder: Reminder) -> Wording:
    """Subject and one line, in the recipient's time zone and the active
    language (callers activate the recipient's: reminder_message,
    in_app_text). The exercise's title is named (it is what was assigned,
    not what anyone answered)."""
    return _kept_on(reminder, "_wording", _wording)


def in_safety_mode(reminder: Reminder) -> bool:
    """The recipient is in safety mode: a neutral notice, no practice name,
    no content (kept on the reminder; the delivery query loads the state)."""
    return _kept_on(reminder, "_in_safety_mode", lambda r: policy.in_safety_mode(r.recipient))


def _exercise_title(reminder: Reminder) -> str:
    return title_outside_the_portal(reminder.occurrence.assignment.template)  # type: ignore[union-attr]


def _wording(reminder: Reminder) -> Wording:
    if in_safety_mode(reminder):
        return Wording(str(SAFETY_NOTICE_SUBJECT), str(SAFETY_NOTICE_LINE))
    tz = ZoneInfo(reminder.recipient.time_zone)
    practice = settings.PRACTICE_NAME
    if reminder.kind == ReminderKind.EXERCISE_DUE_SOON:
        names = {"practice": practice, "title": _exercise_title(reminder), "when": _when(reminder, tz)}
        return Wording(
            gettext("%(practice)s: “%(title)s” is due soon") % names,
            gettext("“%(title)s” is due %(when)s.") % names,
        )
    if reminder.kind == ReminderKind.EXERCISE_OVERDUE:
        names = {"practice": practice, "title": _exercise_title(reminder), "when": _when(reminder, tz)}
        return Wording(
            gettext("%(practice)s: “%(title)s” is waiting for you") % names,
            gettext("“%(title)s” was due %(when)s. There is still time to do it.") % names,
        )
    if reminder.kind == ReminderKind.PARTNER_FINISHED:
        names = {"practice": practice, "title": _exercise_title(reminder)}
        return Wording(
            gettext("%(practice)s: your partner has finished “%(title)s”") % names,
            gettext("Your partner has finished “%(title)s”. Once you submit yours, you can read each other's.") % names,
        )
    if reminder.kind in APPOINTMENT_KINDS:
        return _appointment_wording(reminder, practice)
    if reminder.kind == ReminderKind.INTAKE_REQUESTED:
        intake = _intake(reminder)
        names = {"practice": practice, "names": intake.names if intake is not None else gettext("a prospective client")}
        return Wording(
            gettext("%(practice)s: a new client request") % names,
            gettext("New request for an intake from %(names)s.") % names,
        )
    if reminder.kind == ReminderKind.INTAKE_PAPERWORK:
        names = {"practice": practice, "when": format_when(first_start_of(reminder).astimezone(tz))}
        return Wording(
            gettext("%(practice)s: forms to finish before your first session") % names,
            gettext("Please finish your forms before your first session on %(when)s.") % names,
        )
    if reminder.kind == ReminderKind.MESSAGE_RECEIVED:
        # No name: an e-mail may be read by someone other than its recipient.
        return Wording(
            gettext("%(practice)s: you have a new message") % {"practice": practice},
            gettext("You have a new message in the portal."),
        )
    return Wording(
        gettext("%(practice)s: your weekly summary") % {"practice": practice},
        gettext("Your weekly summary of your couples' exercises is ready."),
    )


def _intake(reminder: Reminder) -> IntakeRequest | None:
    return IntakeRequest.objects.filter(pk=int(reminder.object_key.split(":")[1])).first()


def appointment_when(reminder: Reminder) -> str:
    """The appointment's start in the recipient's time zone, with the zone's name."""
    assert reminder.appointment is not None
    local = reminder.appointment.start.astimezone(ZoneInfo(reminder.recipient.time_zone))
    return f"{format_when(local)} ({local.tzname()})"


def _appointment_wording(reminder: Reminder, practice: str) -> Wording:
    appointment = reminder.appointment
    assert appointment is not None
    names = {"practice": practice, "when": appointment_when(reminder)}
    if reminder.kind == ReminderKind.APPOINTMENT_REMINDER:
        return Wording(
            gettext("%(practice)s: your appointment %(when)s") % names,
            gettext("A reminder of your appointment on %(when)s.") % names,
        )
    if reminder.kind == ReminderKind.APPOINTMENT_REQUESTED:
        names |= {"client": appointment.client_label, "counselor": appointment.counselor.full_name}
        return Wording(
            gettext("%(practice)s: appointment requested") % names,
            gettext("%(client)s requested an appointment with %(counselor)s on %(when)s.") % names,
        )
    last = appointment.changes.order_by("-at", "-pk").values_list("action", flat=True).first()
    if appointment.status == AppointmentStatus.CANCELLED:
        if last == ChangeAction.DECLINED:
            return Wording(
                gettext("%(practice)s: your appointment request") % names,
                gettext("Your request for %(when)s could not be confirmed. Please see the portal for another time.")
                % names,
            )
        return Wording(
            gettext("%(practice)s: appointment cancelled") % names,
            gettext("Your appointment on %(when)s was cancelled.") % names,
        )
    if last == ChangeAction.CONFIRMED:
        return Wording(
            gettext("%(practice)s: appointment confirmed") % names,
            gettext("Your appointment request for %(when)s is confirmed.") % names,
        )
    return Wording(
        gettext("%(practice)s: appointment changed") % names,
        gettext("Your appointment is now on %(when)s.") % names,
    )


def _appointment_context(reminder: Reminder) -> dict[str, Any]:
    # Imported here: notifications.appointments imports the services, which import this module.
    from notifications.appointments import attendance_token

    appointment = reminder.appointment
    assert appointment is not None
    location = appointment.location
    ctx: dict[str, Any] = {
        "appointment": appointment,
        "when": appointment_when(reminder),
        "counselor_name": appointment.counselor.full_name,
        "location_name": location.name,
        "is_online": location.is_online,
        "address": "" if location.is_online else location.address,
        "location_phone": location.phone,
        "telehealth_url": appointment.telehealth_url if location.is_online else "",
        "is_cancelled": appointment.status == AppointmentStatus.CANCELLED,
    }
    if reminder.kind == ReminderKind.APPOINTMENT_REMINDER:
        token = attendance_token(appointment=appointment, user_id=reminder.recipient_id)
        ctx["confirm_url"] = absolute(reverse("notifications:attend", args=[token]))
        ctx["change_url"] = absolute(reverse("appointment_detail", args=[appointment.pk]))
    return ctx


def _digest_context(reminder: Reminder) -> dict[str, Any]:
    until = reminder.due_at
    since = until - timedelta(days=7)
    return {"couples": selectors.digest_for(reminder.recipient_id, since=since, until=until)}


def context(reminder: Reminder) -> dict[str, Any]:
    words = wording(reminder)
    unsubscribe = unsubscribe_url(user_id=reminder.recipient_id, kind=reminder.kind)
    preferences = absolute(_preferences_path())
    # Not get_kind_display(): its lookup casts every kind's (lazy) label.
    kind_label = str(ReminderKind(reminder.kind).label)
    return {
        "reminder": reminder,
        "recipient": reminder.recipient,
        "practice_name": settings.PRACTICE_NAME,
        "practice_phone": settings.PRACTICE_PHONE,
        "subject": words.subject,
        "line": words.line,
        "url": absolute(_portal_path(reminder)),
        "preferences_url": preferences,
        "unsubscribe_url": unsubscribe,
        "kind_label": kind_label,
        "frame": email_frame.frame(
            name=reminder.recipient.get_short_name(),
            kind_label=kind_label,
            unsubscribe_url=unsubscribe,
            preferences_url=preferences,
        ),
        **(_appointment_context(reminder) if reminder.appointment_id is not None else {}),
        **(_digest_context(reminder) if reminder.kind == ReminderKind.WEEKLY_DIGEST else {}),
    }


def reminder_message(reminder: Reminder, *, connection: BaseEmailBackend | None = None) -> EmailMultiAlternatives:
    """The e-mail, written in the recipient's language (accounts.languages)."""
    with override_for(reminder.recipient):
        return _reminder_message(reminder, connection=connection)


def _reminder_message(reminder: Reminder, *, connection: BaseEmailBackend | None) -> EmailMultiAlternatives:
    if in_safety_mode(reminder):
        return _safety_notice(reminder, connection=connection)
    ctx = context(reminder)
    template = f"emails/reminders/{reminder.kind}"
    # Dates in templates are shown in the active time zone: the recipient's.
    with timezone.override(ZoneInfo(reminder.recipient.time_zone)):
        text = render_to_string(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    message = EmailMultiAlternatives(
        subject=ctx["subject"],
        body=text,
        to=[reminder.recipient.email],
        connection=connection,
        headers={
            "Message-ID": message_id(reminder),
            # RFC 2369 and RFC 8058: a one-click POST to this URL unsubscribes.
            "List-Unsubscribe": f"<{ctx['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",  # RFC 3834: no vacation replies
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def _safety_notice(reminder: Reminder, *, connection: BaseEmailBackend | None) -> EmailMultiAlternatives:
    """For a recipient in safety mode: the neutral notice, linking to the
    portal's home (a path could name what it is about), sent by "Client
    portal"; the Message-ID does not name the reminder's kind."""
    unsubscribe = unsubscribe_url(user_id=reminder.recipient_id, kind=reminder.kind)
    domain = urlsplit(settings.PORTAL_BASE_URL).hostname or "localhost"
    return safety_notice_message(
        to=reminder.recipient.email,
        url=absolute(_home_path()),
        unsubscribe_url=unsubscribe,
        connection=connection,
        headers={
            "Message-ID": f"<notice.{reminder.pk}@{domain}>",
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


@lru_cache(maxsize=1)
def _home_path() -> str:
    return reverse("home")


def in_app_text(reminder: Reminder) -> str:
    """The bell's line, in the recipient's language (stored as written)."""
    with override_for(reminder.recipient):
        return wording(reminder).line[:300]


def in_app_url(reminder: Reminder) -> str:
    return _portal_path(reminder)
