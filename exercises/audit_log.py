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
from django.utils import dateformat
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import AuditAction, AuditEvent, Couple, User
from portal import policy

# "<actor> <verb> <target>": the actions a person reads most often, each a
# whole sentence to translate (the verb's place differs between languages).
# Any other action reads "<actor>: <label>, <target>".
VERBS: dict[str, Promise] = {
    AuditAction.RESPONSE_VIEWED: _("%(actor)s read %(target)s"),
    AuditAction.RESPONSE_SUBMITTED: _("%(actor)s submitted %(target)s"),
    AuditAction.RESPONSE_EDITED: _("%(actor)s edited %(target)s"),
    AuditAction.RESPONSE_REVIEWED: _("%(actor)s marked as reviewed %(target)s"),
    AuditAction.EXERCISE_COMMENT_ADDED: _("%(actor)s added %(target)s"),
    AuditAction.COUPLE_CREATED: _("%(actor)s added the couple %(target)s"),
    AuditAction.CONTENT_ERASED: _("%(actor)s erased the clinical content of %(target)s"),
    AuditAction.ASSIGNMENT_CREATED: _("%(actor)s assigned %(target)s"),
    AuditAction.ASSIGNMENT_PAUSED: _("%(actor)s paused %(target)s"),
    AuditAction.ASSIGNMENT_ACTIVE: _("%(actor)s resumed %(target)s"),
    AuditAction.ASSIGNMENT_ENDED: _("%(actor)s ended %(target)s"),
    AuditAction.EXERCISE_TEMPLATE_CREATED: _("%(actor)s created the exercise %(target)s"),
    AuditAction.EXERCISE_TEMPLATE_UPDATED: _("%(actor)s changed the exercise %(target)s"),
    AuditAction.EXERCISE_TEMPLATE_COPIED: _("%(actor)s copied the exercise %(target)s"),
    AuditAction.APPOINTMENT_BOOKED: _("%(actor)s booked %(target)s"),
    AuditAction.APPOINTMENT_REQUESTED: _("%(actor)s requested %(target)s"),
    AuditAction.APPOINTMENT_CONFIRMED: _("%(actor)s confirmed %(target)s"),
    AuditAction.APPOINTMENT_DECLINED: _("%(actor)s declined %(target)s"),
    AuditAction.APPOINTMENT_RESCHEDULED: _("%(actor)s rescheduled %(target)s"),
    AuditAction.APPOINTMENT_CANCELLED: _("%(actor)s cancelled %(target)s"),
    AuditAction.APPOINTMENT_COMPLETED: _("%(actor)s marked as held %(target)s"),
    AuditAction.APPOINTMENT_NO_SHOW: _("%(actor)s marked as a no-show %(target)s"),
    AuditAction.USER_PROFILE_UPDATED: _("%(actor)s updated the profile of %(target)s"),
    AuditAction.RECORD_EXPORTED: _("%(actor)s exported the personal record of %(target)s"),
    AuditAction.STAFF_INVITED: _("%(actor)s invited the counselor %(target)s"),
    AuditAction.STAFF_DETAILS_CHANGED: _("%(actor)s changed the name or time zone of %(target)s"),
    AuditAction.STAFF_DEACTIVATED: _("%(actor)s deactivated the account of %(target)s"),
    AuditAction.COUPLE_REASSIGNED: _("%(actor)s gave a new counselor to %(target)s"),
    AuditAction.COUNSELOR_PHOTO_CHANGED: _("%(actor)s changed the photo of %(target)s"),
    AuditAction.APPOINTMENT_COUNSELOR_CHANGED: _("%(actor)s changed the counselor of %(target)s"),
    AuditAction.THREAD_STARTED: _("%(actor)s started %(target)s"),
    AuditAction.THREAD_VIEWED: _("%(actor)s read %(target)s"),
    AuditAction.MESSAGE_POSTED: _("%(actor)s sent %(target)s"),
    AuditAction.MESSAGE_EDITED: _("%(actor)s edited %(target)s"),
    AuditAction.MESSAGE_DELETED: _("%(actor)s deleted %(target)s"),
}

DELETED = _("a deleted item")
UNKNOWN = _("a record")  # a target type that names no model (rows written before types were model labels)
SYSTEM = _("The portal")


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
    return couple.display_name if couple is not None else gettext("a couple")


def _couple(viewer: User, couple: Couple) -> Target:
    url = reverse("couple_detail", args=[couple.pk]) if policy.can_manage_couple(viewer, couple) else ""
    return Target(couple.display_name, url)


def _user(viewer: User, user: User) -> Target:
    return Target(user.full_name or gettext("a person"))


def _response(viewer: User, response: Any) -> Target:
    occurrence = response.occurrence
    assignment = occurrence.assignment
    title = assignment.template.title
    if response.author is None:
        text = gettext("%(couple)s's joint answer to %(title)s") % {
            "couple": _couple_name(assignment.couple),
            "title": title,
        }
    else:
        text = gettext("%(name)s's answer to %(title)s") % {"name": response.author.full_name, "title": title}
    # Answers are clinical content: a link only for whom may open them (not a practice admin).
    may_open = policy.can_see_exercise_content(viewer, assignment.couple)
    return Target(text, reverse("occurrence_detail", args=[occurrence.pk]) if may_open else "")


def _assignment(viewer: User, assignment: Any) -> Target:
    return Target(
        gettext("%(title)s for %(couple)s")
        % {"title": assignment.template.title, "couple": _couple_name(assignment.couple)}
    )


def _comment(viewer: User, comment: Any) -> Target:
    assignment = comment.occurrence.assignment
    return Target(
        gettext("a comment on %(couple)s's %(title)s")
        % {"couple": _couple_name(assignment.couple), "title": assignment.template.title}
    )


def _template(viewer: User, template: Any) -> Target:
    url = reverse("template_detail", args=[template.pk]) if policy.uses_template_library(viewer) else ""
    return Target(f"{template.title}", url)


def _appointment(viewer: User, appointment: Any) -> Target:
    zone = ZoneInfo(viewer.time_zone)
    # The order of day, month and time is the translator's (month and day names are Django's).
    when = dateformat.format(appointment.start.astimezone(zone), gettext("D M j, H:i"))
    if appointment.couple is not None:
        whom = appointment.couple.display_name
    elif appointment.individual_client is not None:
        whom = appointment.individual_client.full_name
    else:
        whom = gettext("new clients")
    url = (
        reverse("appointment_detail", args=[appointment.pk])
        if policy.can_manage_appointment(viewer, appointment)
        else ""
    )
    return Target(gettext("an appointment for %(whom)s on %(when)s") % {"whom": whom, "when": when}, url)


def _conversation(thread: Any) -> str:
    """Which conversation, never its subject: a couple's joint one or a partner's private one."""
    if thread.partner is not None:
        return gettext("%(name)s's private conversation") % {"name": thread.partner.full_name}
    return gettext("the conversation with %(couple)s") % {"couple": _couple_name(thread.couple)}


def _thread_url(viewer: User, thread: Any) -> str:
    # Messages are clinical content: a link only for whom may read the thread (never an admin).
    return reverse("messaging:thread", args=[thread.pk]) if policy.can_view_thread(viewer, thread) else ""


def _thread(viewer: User, thread: Any) -> Target:
    return Target(_conversation(thread), _thread_url(viewer, thread))


def _message(viewer: User, message: Any) -> Target:
    thread = message.thread
    return Target(
        gettext("a message in %(conversation)s") % {"conversation": _conversation(thread)}, _thread_url(viewer, thread)
    )


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
    # English's article; a language whose article depends on the noun's gender words it otherwise.
    if name[:1] in "aeiou":
        text = gettext("an %(thing)s") % {"thing": name}
    else:
        text = gettext("a %(thing)s") % {"thing": name}
    found = model._default_manager.filter(pk__in=keys).values_list("pk", flat=True)
    return {str(pk): Target(text) for pk in found}


def _sentence(actor: str, action: str, label: str, target: str) -> str:
    pattern = VERBS.get(action)
    if pattern is None:
        return gettext("%(actor)s: %(action)s, %(target)s") % {
            "actor": actor,
            "action": label.lower(),
            "target": target,
        }
    return str(pattern) % {"actor": actor, "target": target}


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
        actor = event.actor.full_name if event.actor is not None else str(SYSTEM)
        label = str(labels.get(event.action, event.action))
        missing = Target(str(DELETED) if _model(event.target_type) is not None else str(UNKNOWN))
        target = found[event.target_type].get(event.target_id, missing)
        rows.append(AuditRow(event, actor, label, _sentence(actor, event.action, label, target.text), target))
    return rows


def in_zone(moment: datetime, zone_name: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone_name))
