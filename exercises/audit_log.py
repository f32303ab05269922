"""The audit log read as sentences: "Dana Reyes read Sam Lee's answer to
I-statements". An audit row stores only ids (target_type, target_id); the
targets of a page are looked up here in bulk, one query per target type on
the page, never one per row. A sentence names people and the titles of
exercises, never clinical content (no answer, message, subject or comment
text), and ``details`` is not read at all.

Targets of apps above exercises (appointments, conversations) are reached through the app
registry by their label, so this module imports none of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.apps import apps
from django.db import models
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, Couple, User
from portal import policy

# "<actor> <verb> <target>": the actions a person reads most often. Any other
# action reads "<actor>: <label>, <target>".
VERBS: dict[str, str] = {
    AuditAction.RESPONSE_VIEWED: "read",
    AuditAction.RESPONSE_SUBMITTED: "submitted",
    AuditAction.RESPONSE_EDITED: "edited",
    AuditAction.RESPONSE_REVIEWED: "marked as reviewed",
    AuditAction.EXERCISE_COMMENT_ADDED: "added",
    AuditAction.COUPLE_CREATED: "added the couple",
    AuditAction.CONTENT_ERASED: "erased the clinical content of",
    AuditAction.ASSIGNMENT_CREATED: "assigned",
    AuditAction.ASSIGNMENT_PAUSED: "paused",
    AuditAction.ASSIGNMENT_ACTIVE: "resumed",
    AuditAction.ASSIGNMENT_ENDED: "ended",
    AuditAction.EXERCISE_TEMPLATE_CREATED: "created the exercise",
    AuditAction.EXERCISE_TEMPLATE_UPDATED: "changed the exercise",
    AuditAction.EXERCISE_TEMPLATE_COPIED: "copied the exercise",
    AuditAction.APPOINTMENT_BOOKED: "booked",
    AuditAction.APPOINTMENT_REQUESTED: "requested",
    AuditAction.APPOINTMENT_CONFIRMED: "confirmed",
    AuditAction.APPOINTMENT_DECLINED: "declined",
    AuditAction.APPOINTMENT_RESCHEDULED: "rescheduled",
    AuditAction.APPOINTMENT_CANCELLED: "cancelled",
    AuditAction.APPOINTMENT_COMPLETED: "marked as held",
    AuditAction.APPOINTMENT_NO_SHOW: "marked as a no-show",
    AuditAction.USER_PROFILE_UPDATED: "updated the profile of",
    AuditAction.RECORD_EXPORTED: "exported the personal record of",
    AuditAction.STAFF_INVITED: "invited the counselor",
    AuditAction.STAFF_DETAILS_CHANGED: "changed the name or time zone of",
    AuditAction.STAFF_DEACTIVATED: "deactivated the account of",
    AuditAction.COUPLE_REASSIGNED: "gave a new counselor to",
    AuditAction.COUNSELOR_PHOTO_CHANGED: "changed the photo of",
    AuditAction.APPOINTMENT_COUNSELOR_CHANGED: "changed the counselor of",
    AuditAction.THREAD_STARTED: "started",
    AuditAction.THREAD_VIEWED: "read",
    AuditAction.MESSAGE_POSTED: "sent",
    AuditAction.MESSAGE_EDITED: "edited",
    AuditAction.MESSAGE_DELETED: "deleted",
}

DELETED = "a deleted item"
UNKNOWN = "a record"  # a target type that names no model (rows written before types were model labels)
SYSTEM = "The portal"


@dataclass(frozen=True)
class Target:
    text: str
    url: str = ""


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    actor: str
    action: str  # the action's label
    sentence: str
    target: Target


def _couple_name(couple: Couple | None) -> str:
    return couple.display_name if couple is not None else "a couple"


def _couple(viewer: User, couple: Couple) -> Target:
    url = reverse("couple_detail", args=[couple.pk]) if policy.can_manage_couple(viewer, couple) else ""
    return Target(couple.display_name, url)


def _user(viewer: User, user: User) -> Target:
    return Target(user.full_name or "a person")


def _response(viewer: User, response: Any) -> Target:
    occurrence = response.occurrence
    assignment = occurrence.assignment
    title = assignment.template.title
    if response.author is None:
        text = f"{_couple_name(assignment.couple)}'s joint answer to {title}"
    else:
        text = f"{response.author.full_name}'s answer to {title}"
    # Answers are clinical content: a link only for whom may open them (not a practice admin).
    may_open = policy.can_see_exercise_content(viewer, assignment.couple)
    return Target(text, reverse("occurrence_detail", args=[occurrence.pk]) if may_open else "")


def _assignment(viewer: User, assignment: Any) -> Target:
    return Target(f"{assignment.template.title} for {_couple_name(assignment.couple)}")


def _comment(viewer: User, comment: Any) -> Target:
    assignment = comment.occurrence.assignment
    return Target(f"a comment on {_couple_name(assignment.couple)}'s {assignment.template.title}")


def _template(viewer: User, template: Any) -> Target:
    url = reverse("template_detail", args=[template.pk]) if policy.uses_template_library(viewer) else ""
    return Target(f"{template.title}", url)


def _appointment(viewer: User, appointment: Any) -> Target:
    zone = ZoneInfo(viewer.time_zone)
    when = appointment.start.astimezone(zone).strftime("%a %b %-d, %H:%M")
    if appointment.couple is not None:
        whom = appointment.couple.display_name
    elif appointment.individual_client is not None:
        whom = appointment.individual_client.full_name
    else:
        whom = "new clients"
    url = (
        reverse("appointment_detail", args=[appointment.pk])
        if policy.can_manage_appointment(viewer, appointment)
        else ""
    )
    return Target(f"an appointment for {whom} on {when}", url)


def _conversation(thread: Any) -> str:
    """Which conversation, never its subject: a couple's joint one or a partner's private one."""
    if thread.partner is not None:
        return f"{thread.partner.full_name}'s private conversation"
    return f"the conversation with {_couple_name(thread.couple)}"


def _thread_url(viewer: User, thread: Any) -> str:
    # Messages are clinical content: a link only for whom may read the thread (never an admin).
    return reverse("messaging:thread", args=[thread.pk]) if policy.can_view_thread(viewer, thread) else ""


def _thread(viewer: User, thread: Any) -> Target:
    return Target(_conversation(thread), _thread_url(viewer, thread))


def _message(viewer: User, message: Any) -> Target:
    thread = message.thread
    return Target(f"a message in {_conversation(thread)}", _thread_url(viewer, thread))


_COUPLE = ("partner_one", "partner_two")
_THREAD = ("partner", "couple__partner_one", "couple__partner_two")
_ASSIGNMENT = ("assignment__template", "assignment__couple__partner_one", "assignment__couple__partner_two")

# target_type -> (what to join, how to say it)
DESCRIBERS: dict[str, tuple[Sequence[str], Callable[[User, Any], Target]]] = {
    "accounts.couple": (_COUPLE, _couple),
    "accounts.user": ((), _user),
    "exercises.response": (("author", *(f"occurrence__{f}" for f in _ASSIGNMENT)), _response),
    "exercises.assignment": (("template", "couple__partner_one", "couple__partner_two"), _assignment),
    "exercises.comment": (tuple(f"occurrence__{f}" for f in _ASSIGNMENT), _comment),
    "exercises.exercisetemplate": ((), _template),
    "messaging.thread": (_THREAD, _thread),
    "messaging.message": (tuple(f"thread__{f}" for f in _THREAD), _message),
    "scheduling.appointment": (
        ("counselor", "individual_client", "couple__partner_one", "couple__partner_two"),
        _appointment,
    ),
}


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def _describe_type(viewer: User, target_type: str, ids: set[str]) -> dict[str, Target]:
    """The targets of one type, in one query."""
    model = _model(target_type)
    if model is None:
        return {}
    keys = [int(i) for i in ids if i.isdigit()] if isinstance(model._meta.pk, models.AutoField) else list(ids)
    if target_type in DESCRIBERS:
        related, say = DESCRIBERS[target_type]
        rows = model._default_manager.select_related(*related).filter(pk__in=keys)
        if target_type == "accounts.user":
            rows = rows.only("pk", "full_name")
        return {str(row.pk): say(viewer, row) for row in rows}
    name = str(model._meta.verbose_name)
    article = "an" if name[:1] in "aeiou" else "a"
    found = model._default_manager.filter(pk__in=keys).values_list("pk", flat=True)
    return {str(pk): Target(f"{article} {name}") for pk in found}


def _sentence(actor: str, action: str, label: str, target: str) -> str:
    verb = VERBS.get(action)
    if verb is None:
        return f"{actor}: {label.lower()}, {target}"
    if action == AuditAction.EXERCISE_COMMENT_ADDED and target.startswith("a comment"):
        return f"{actor} added {target}"
    return f"{actor} {verb} {target}"


def describe(events: Iterable[AuditEvent], viewer: User) -> list[AuditRow]:
    """Each event as a sentence, with a link where ``viewer`` may open its
    target; one query per target type among the events."""
    events = list(events)
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        wanted[event.target_type].add(event.target_id)
    found = {kind: _describe_type(viewer, kind, ids) for kind, ids in wanted.items()}
    labels = dict(AuditAction.choices)
    rows = []
    for event in events:
        actor = event.actor.full_name if event.actor is not None else SYSTEM
        label = labels.get(event.action, event.action)
        missing = Target(DELETED if _model(event.target_type) is not None else UNKNOWN)
        target = found[event.target_type].get(event.target_id, missing)
        rows.append(AuditRow(event, actor, label, _sentence(actor, event.action, label, target.text), target))
    return rows


def in_zone(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone_name))
