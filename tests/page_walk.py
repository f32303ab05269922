"""The walk over every page of the portal, shared by the axe-core walk
(tests/browser/test_accessibility.py) and the Spanish pages' check
(tests/portal/test_spanish_pages.py).

The routes are read from the URL resolver (tests/routes.py); each route's URL
kwargs are filled with real objects of the demo practice (config/demo.py:
couples, exercises with answers, appointments, threads, an intake packet,
documents), chosen for the persona walking it. EXCLUDED_NAMES lists, with a
reason, the routes that are never an HTML page for anyone.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, cast

from django.test import Client
from django.utils import timezone

from accounts.models import Couple, Invitation, Role, User
from tests.factories import CounselorFactory
from tests.routes import ROUTE_PARAM, Route

# Whole parts of the URL space that are not our pages.
EXCLUDED_PREFIXES = {
    "/admin/": "Django's own admin (its templates and CSS are Django's), an operators' back office",
    "/api/": "the JSON API and its schema; /api/docs/ is the Swagger UI's page, not ours",
}
# Routes that are never an HTML page for anyone, by URL name, each with the reason.
EXCLUDED_NAMES = {
    # Downloads and feeds.
    "favicon": "an icon",
    "healthz": "a probe answering text",
    "readyz": "a probe answering text",
    "metrics": "Prometheus text, for allowed addresses only",
    "counselor_photo": "a JPEG",
    "calendar_feed": "an iCalendar feed",
    "location_feed": "an iCalendar feed",
    "appointment_ics": "an iCalendar file",
    "couple_progress_csv": "a CSV file",
    "signature_pdf": "a PDF",
    "attachment": "a message attachment's bytes",
    "my_record": "a person's record as JSON or PDF",
    "client_record": "a client's record as JSON or PDF",
    "mfa_download_recovery_codes": "a text file of recovery codes",
    "thread_since": "a fragment of new messages fetched by the thread page's script",
    "exercise_hints": "JSON the builder's script reads",
    # Actions: POST only (a GET answers 405 or goes back to the page that holds the form).
    "api_token_revoke": "POST: revoke an API token (the Security page holds the button)",
    "sign_out_everywhere": "POST: end every session (the Security page holds the button)",
    "set_language": "POST: the footer's language switch (every page holds it)",
    "held_invitation_resolve": "POST: resolve a held invitation (the held list holds the form)",
    "couple_status": "POST: change a couple's status (the couple's page holds the form)",
    "partner_safety_mode": "POST: a partner's safety mode (the couple's page holds the form)",
    "partner_risk_flag_review": "POST: review a risk flag (the couple's page holds the form)",
    "invitation_resend": "POST: resend an invitation",
    "template_copy": "POST: copy an exercise template",
    "occurrence_comment": "POST: comment on an occurrence (the occurrence page holds the form)",
    "assignment_note": "POST: an assignment's note (the couple's exercises page holds the form)",
    "assignment_action": "POST: pause, resume or end an assignment",
    "location_toggle": "POST: open or close an office",
    "appointment_action": "POST: confirm, decline, cancel... an appointment (its page holds the buttons)",
    "intake_invite_couple": "POST: invite the couple of a new-client request (its page holds the form)",
    "document_publish": "POST: publish a document's draft",
    "packet_item_add": "POST: add an item to an intake packet",
    "packet_item_remove": "POST: remove an item from an intake packet",
    "packet_hold_override": "POST: let a couple start before their packet is done",
    "signature_revoke": "POST: revoke a signature",
    "message_delete": "POST: delete a message",
    "closure_decide": "POST: decide an account-closure request",
    "mark_read": "POST: mark notifications as read",
    "resend": "POST: resend a failed reminder",
    "couple_high_conflict": "POST: turn a couple's high-conflict setting on or off",
    "response_review": "POST: mark an answer as reviewed (the occurrence page holds the button)",
    "staff_invitation_resend": "POST: resend a counselor's invitation",
    # allauth steps the portal does not enable or that only exist inside a flow.
    "account_confirm_login_code": "login by code is not enabled (sends to the login page)",
    "account_email_verification_sent": "allauth's notice, reached only after sign-up, which is closed",
    "account_confirm_email": "the link in a confirmation e-mail; invited addresses are verified already",
    "account_reset_password_from_key_done": "only reached after a reset (sends elsewhere on its own)",
    "account_set_password": "only for accounts without a password; invited accounts have one",
    "mfa_authenticate": "the TOTP step inside a login, never a page of its own outside it",
    "mfa_reauthenticate": "only reached inside a reauthentication flow",
}


@dataclass
class Persona:
    label: str
    user: User | None
    values: dict[str, Any] = field(default_factory=dict)
    # Per URL name, kwargs that differ from the role's usual values (a slug means
    # an office on one page and a counselor on another).
    by_name: dict[str, dict[str, Any]] = field(default_factory=dict)


def first_value(queryset, attribute: str = "pk"):
    row = queryset.first()
    return None if row is None else getattr(row, attribute)


def demo_personas() -> list[Persona]:
    """The demo practice's people, each with the objects their pages are about."""
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from accounts.services.invitations import invitation_token
    from config import demo
    from exercises.models import ExerciseTemplate, Occurrence, Response
    from exercises.services.templates import template_copy
    from intake.builtin import install_builtin_documents
    from intake.models import Document, DocumentVersion, IntakePacket, IntakePacketItem, Signature
    from messaging.models import Message, Thread
    from notifications.appointments import attendance_token
    from notifications.emails import unsubscribe_token
    from notifications.models import ReminderKind
    from progress.builtin import install_builtin_measures
    from progress.models import Measure
    from scheduling.models import Appointment, AppointmentStatus, CounselorProfile, IntakeRequest, Location

    # The live server's database is flushed between tests, and with it the
    # built-in measures and documents the migrations installed.
    install_builtin_measures()
    install_builtin_documents()
    demo.demo_practice_load()
    packet = IntakePacket.objects.select_related("couple").first()
    couple = Couple.objects.filter(threads__isnull=False).select_related("primary_counselor").first()
    assert couple is not None and packet is not None, "the demo practice has a couple with messages and a packet"
    partner, counselor = couple.partner_one, couple.primary_counselor
    admin = User.objects.get(role=Role.PRACTICE_ADMIN, email=demo.ADMIN.email)
    # The demo turns on TOTP alone; with recovery codes the admin's page of them opens.
    RecoveryCodes.activate(admin)
    office = Location.objects.order_by("pk").first()
    profile = CounselorProfile.objects.order_by("pk").first()
    public = {
        "office_detail": {"slug": office.slug if office else None},
        "counselor_profile": {"slug": profile.slug if profile else None},
    }
    occurrence = first_value(Occurrence.objects.filter(assignment__couple=couple, responses__isnull=False))
    thread = first_value(Thread.objects.filter(couple=couple))
    shared = {
        "couple_id": couple.pk,
        "occurrence_id": occurrence,
        "thread_id": thread,
        "appointment_id": first_value(Appointment.objects.filter(participants__user=partner)),
        "template_id": first_value(ExerciseTemplate.objects.order_by("pk")),
        "version_id": first_value(DocumentVersion.objects.filter(published_at__isnull=False)),
    }
    staff = {
        **shared,
        "user_id": partner.pk,
        "response_id": first_value(Response.objects.filter(occurrence__assignment__couple=couple)),
        "measure_id": first_value(Measure.objects.order_by("pk")),
        "location_id": office.pk if office else None,
        "document_id": first_value(Document.objects.order_by("pk")),
        "intake_id": first_value(IntakeRequest.objects.order_by("pk")),
        "item_id": first_value(IntakePacketItem.objects.filter(packet=packet)),
        "signature_id": first_value(Signature.objects.order_by("pk")),
        "message_id": first_value(Message.objects.filter(thread__couple=couple, author=counselor)),
    }
    builtin = ExerciseTemplate.objects.filter(is_builtin=True).order_by("pk").first()
    assert builtin is not None, "the demo practice installs the built-in exercises"
    own_template = template_copy(template=builtin, counselor=counselor)
    invited = cast(User, CounselorFactory(full_name="Noa Quinn"))
    pending = Invitation.objects.create(user=invited, invited_by=admin)
    appointment = (
        Appointment.objects.filter(
            participants__user=partner, status=AppointmentStatus.CONFIRMED, start__gt=timezone.now()
        )
        .order_by("start")
        .first()
    )
    tokens: dict[str, dict[str, Any]] = {
        "invitation_accept": {"token": invitation_token(pending)},
        "unsubscribe": {"token": unsubscribe_token(user_id=partner.pk, kind=ReminderKind.EXERCISE_DUE_SOON)},
        "attend": {"token": attendance_token(appointment=appointment, user_id=partner.pk) if appointment else None},
    }
    return [
        Persona("anonymous", None, {}, {**public, **tokens}),
        Persona(
            "partner",
            partner,
            {**shared, "message_id": first_value(Message.objects.filter(thread__couple=couple, author=partner))},
            public,
        ),
        Persona(
            "counselor",
            counselor,
            {**staff, "counselor_id": counselor.pk},
            {
                **public,
                "template_edit": {"template_id": own_template.pk},
                "template_translation": {"template_id": own_template.pk},
            },
        ),
        Persona(
            "practice admin",
            admin,
            {**staff, "counselor_id": counselor.pk},
            {**public, "packet_detail": {"couple_id": packet.couple_id}},
        ),
    ]


def path_for(route: Route, persona: Persona) -> str | None:
    """The route's path with the persona's objects in it, or None if one is missing."""
    if "^" in route.pattern:  # a re_path() of allauth's (e-mail links): its sample path is the page
        return route.path
    values = {**persona.values, **persona.by_name.get(route.name or "", {})}
    missing = []

    def fill(match: re.Match) -> str:
        value = values.get(match["name"])
        if value is None:
            missing.append(match["name"])
            return ""
        return str(value)

    path = "/" + ROUTE_PARAM.sub(fill, route.pattern)
    return None if missing else path


def is_page(client: Client, path: str) -> bool:
    response = client.get(path)
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def client_for(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        # As if the person had just typed their password again: allauth's
        # two-factor pages (set up, turn off, recovery codes) open only then.
        session = client.session
        session["account_authentication_methods_user"] = str(user.pk)
        session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
        session.save()
    return client
