"""Every page of the portal, checked with axe-core for each role at 375 and 1280 px.

The routes are read from the URL resolver (tests/routes.py), so a page added
tomorrow is checked without anyone remembering to. Each route's URL kwargs
are filled with real objects of the demo practice (config/demo.py: couples,
exercises with answers, appointments, threads, an intake packet, documents),
chosen for the role walking it. A route that does not answer that role with
an HTML page (JSON, a download, a redirect elsewhere, 403/404/405) is skipped
for that role; a route that no role sees as a page fails the test unless it
is on the reasoned list of exclusions below.

axe-core is vendored in tests/browser/vendor/ (see its README).
"""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page

from accounts.models import Couple, Invitation, Role, User
from tests.factories import CounselorFactory
from tests.routes import ROUTE_PARAM, Route, all_routes

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WIDTHS = (375, 1280)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

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


def _first(queryset, attribute: str = "pk"):
    row = queryset.first()
    return None if row is None else getattr(row, attribute)


def _personas() -> list[Persona]:
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
    occurrence = _first(Occurrence.objects.filter(assignment__couple=couple, responses__isnull=False))
    thread = _first(Thread.objects.filter(couple=couple))
    shared = {
        "couple_id": couple.pk,
        "occurrence_id": occurrence,
        "thread_id": thread,
        "appointment_id": _first(Appointment.objects.filter(participants__user=partner)),
        "template_id": _first(ExerciseTemplate.objects.order_by("pk")),
        "version_id": _first(DocumentVersion.objects.filter(published_at__isnull=False)),
    }
    staff = {
        **shared,
        "user_id": partner.pk,
        "response_id": _first(Response.objects.filter(occurrence__assignment__couple=couple)),
        "measure_id": _first(Measure.objects.order_by("pk")),
        "location_id": office.pk if office else None,
        "document_id": _first(Document.objects.order_by("pk")),
        "intake_id": _first(IntakeRequest.objects.order_by("pk")),
        "item_id": _first(IntakePacketItem.objects.filter(packet=packet)),
        "signature_id": _first(Signature.objects.order_by("pk")),
        "message_id": _first(Message.objects.filter(thread__couple=couple, author=counselor)),
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
            {**shared, "message_id": _first(Message.objects.filter(thread__couple=couple, author=partner))},
            public,
        ),
        Persona(
            "counselor",
            counselor,
            {**staff, "counselor_id": counselor.pk},
            {**public, "template_edit": {"template_id": own_template.pk}},
        ),
        Persona(
            "practice admin",
            admin,
            {**staff, "counselor_id": counselor.pk},
            {**public, "packet_detail": {"couple_id": packet.couple_id}},
        ),
    ]


def _path_for(route: Route, persona: Persona) -> str | None:
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


def _is_page(client: Client, path: str) -> bool:
    response = client.get(path)
    return response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")


def _client_for(user: User | None) -> Client:
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


def _contexts(browser: Browser, live_server, client: Client) -> list[tuple[int, BrowserContext, Page]]:
    opened = []
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 800})
        if cookie is not None:
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}])
        # axe goes in as an init script, through the DevTools protocol: the CSP
        # (scripts from our static files only) refuses page.add_script_tag()'s
        # inline script, and bypassing the CSP would let blocked inline styles
        # change what axe sees. Sent once per context, not once per page.
        context.add_init_script(script=AXE_SOURCE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        opened.append((width, context, page))
    return opened


AXE_RUN = r"""options => axe.run(document, options).then(results => results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
    count: v.nodes.length,
    summary: v.nodes[0].failureSummary.replace(/\s+/g, ' '),
})))"""


def _axe_violations(page: Page) -> list[dict]:
    return page.evaluate(AXE_RUN, {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})


def test_every_page_passes_axe_for_every_role_on_a_phone_and_a_desktop(
    browser, live_server, transactional_db, settings
):
    # The walk of one role outlasts allauth's 5 minutes of a fresh password.
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 3600
    started = time.monotonic()
    routes, problems = all_routes()
    assert not problems, problems
    walked = [r for r in routes if not r.path.startswith(tuple(EXCLUDED_PREFIXES))]
    unknown = set(EXCLUDED_NAMES) - {r.name for r in walked}
    assert not unknown, f"excluded names that no longer exist: {sorted(unknown)}"
    candidates = [r for r in walked if r.name not in EXCLUDED_NAMES]
    # A11Y_ROUTES=calendar,office_list walks only those (while fixing a page); the
    # check that every page was visited is then skipped.
    only = {name for name in os.environ.get("A11Y_ROUTES", "").split(",") if name}
    if only:
        candidates = [r for r in candidates if r.name in only]

    visited: set[str] = set()
    failures: list[str] = []
    checks = 0
    personas = _personas()
    seeded = time.monotonic()
    for persona in personas:
        client = _client_for(persona.user)
        pages = []
        for route in candidates:
            path = _path_for(route, persona)
            if path is not None and _is_page(client, path):
                pages.append((route, path))
        print(f"\n{persona.label}: {len(pages)} pages, found in {time.monotonic() - seeded:.0f} s")
        opened = _contexts(browser, live_server, client)
        try:
            for route, path in pages:
                for width, _context, page in opened:
                    response = page.goto(live_server.url + path, wait_until="load")
                    landed = page.url.removeprefix(live_server.url)
                    if response is None or response.status != 200 or landed.split("?")[0] != path.split("?")[0]:
                        continue  # the browser's visit did not end on this page (e.g. a one-time step)
                    visited.add(route.pattern)
                    checks += 1
                    for violation in _axe_violations(page):
                        failures.append(
                            f"{persona.label} {width}px {path} ({route.name}): {violation['id']} "
                            f"[{violation['impact']}] {violation['help']} x{violation['count']}: "
                            + " | ".join(violation["targets"])
                            + f" ({violation['summary']})"
                        )
        finally:
            for _width, context, _page in opened:
                context.close()

    elapsed = time.monotonic() - started
    print(f"\naxe walk: {checks} page checks in {elapsed:.0f} s (demo practice built in {seeded - started:.0f} s)")
    never = [] if only else sorted(f"{r.pattern} ({r.name})" for r in candidates if r.pattern not in visited)
    report = []
    if never:
        report.append(
            "Routes no role saw as a page: give them real objects in _personas(), or exclude them "
            "with a reason in EXCLUDED_NAMES:\n" + "\n".join(never)
        )
    if failures:
        report.append(f"{len(failures)} axe violations:\n" + "\n".join(failures))
    assert not report, "\n\n".join(report)
