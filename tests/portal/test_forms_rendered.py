"""Every form a page puts in its context is on the page, field by field.

A form field the template does not render is submitted as absent, and an
absent checkbox saves as "off": that silently turned appointment reminders
off once. The pages are read from the URL resolver and opened by each
persona with real objects behind the ids, so a new page is covered the day
it is added (a route with an id this module has no sample for fails, naming
the id to add).
"""

from __future__ import annotations

import re
from datetime import time, timedelta
from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from exercises import services as exercise_services
from intake import services as intake_services
from intake.models import Document
from notifications.models import Reminder, ReminderKind, ReminderState
from progress.builtin import EMOTIONAL_INTIMACY
from progress.models import Measure
from scheduling import services as scheduling_services
from tests.exercises.helpers import SIMPLE_FIELDS

# Routes no form page lives under: the API, the Django admin (its own forms),
# the iCalendar feeds.
SKIPPED_PREFIXES = ("api", "admin", "djdt")
SKIPPED_NAMES = {"calendar_feed", "location_feed", "appointment_ics", "couple_progress_csv", "schema", "api-docs"}


def _routes() -> list[tuple[str, list[str]]]:
    """(url name with namespace, its parameters) of every page route."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns, namespace: str, prefix: str) -> None:
        for entry in patterns:
            text = prefix + str(entry.pattern)
            if text.startswith(SKIPPED_PREFIXES):
                continue
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, inner, text)
            elif isinstance(entry, URLPattern) and entry.name and entry.name not in SKIPPED_NAMES:
                found.append((namespace + entry.name, re.findall(r"<(?:\w+:)?(\w+)>", text)))

    walk(get_resolver().url_patterns, "", "")
    return found


@pytest.fixture
def world(personas, dana, owen, book, tuesday, edmonds, practice_admin):
    """One of everything a page can be about, on Dana's caseload."""
    couple = personas.couple
    template = exercise_services.template_create(
        owner=dana, title="Feelings check", summary="Name a feeling.", instructions="Write one.", fields=SIMPLE_FIELDS
    )
    assignment = exercise_services.assignment_create(
        counselor=dana,
        couple=couple,
        template=template,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
    )
    occurrence = assignment.occurrences.order_by("sequence").first()
    response = exercise_services.response_submit(
        occurrence=occurrence, user=personas.partner, answers={"feeling": "calm", "closeness": 3}
    )
    appointment = book(tuesday, "10:00")
    intake = scheduling_services.intake_request_create(names="Jo and Kim", email="jo@example.test", counselor=dana)
    reminder = Reminder.objects.create(
        kind=ReminderKind.EXERCISE_OVERDUE,
        recipient=personas.partner,
        occurrence=occurrence,
        object_key=f"occurrence:{occurrence.pk}",
        due_at=timezone.now(),
        state=ReminderState.FAILED,
    )
    consent = Document.objects.get(slug="consent-to-treatment").versions.get()
    consent = intake_services.document_version_publish(actor=practice_admin, version=consent)
    signature = intake_services.signature_create(
        signer=personas.partner,
        version=consent,
        typed_name=personas.partner.full_name,
        agreed=True,
        ip_address="203.0.113.7",
        user_agent="pytest",
    )
    from messaging import services as messaging_services

    thread = messaging_services.thread_start(actor=dana, couple=couple, kind="joint", body="How was the week?")
    packet = intake_services.packet_create(actor=dana, couple=couple)
    packet_item = intake_services.packet_item_add(actor=dana, packet=packet, document_id=consent.document_id)
    from retention import services as retention_services

    closure = retention_services.closure_request(user=couple.partner_two)
    return {
        "request_id": closure.pk,
        "item_id": packet_item.pk,
        "thread_id": thread.pk,
        "message_id": thread.messages.get().pk,
        "attachment_id": 1,
        "document_id": consent.document_id,
        "version_id": consent.pk,
        "signature_id": signature.pk,
        "couple_id": couple.pk,
        "user_id": personas.partner.pk,
        "template_id": template.pk,
        "assignment_id": assignment.pk,
        "occurrence_id": occurrence.pk,
        "response_id": response.pk,
        "appointment_id": appointment.pk,
        "intake_id": intake.pk,
        "counselor_id": dana.pk,
        "location_id": edmonds.pk,
        "measure_id": Measure.objects.get(slug=EMOTIONAL_INTIMACY, owner=None).pk,
        "reminder_id": reminder.pk,
        "invitation_id": 1,
        "held_id": 1,
        "slug": {"office_detail": edmonds.slug, "counselor_profile": "dana-reyes", "counselor_photo": "dana-reyes"},
        "action": {"assignment_action": "pause", "appointment_action": "reschedule"},
        "token": "not-a-token",
        "token_key": "not-a-token-key",
        "export_format": "pdf",
        "key": "not-a-key",
        "uidb36": "1",
    }


def _path(name: str, params: list[str], world: dict) -> str:
    kwargs = {}
    for param in params:
        sample = world[param]  # a KeyError names the id a new route needs in `world`
        kwargs[param] = sample[name.split(":")[-1]] if isinstance(sample, dict) else sample
    return reverse(name, kwargs=kwargs)


def _forms_in(response) -> list[forms.BaseForm]:
    found: dict[int, forms.BaseForm] = {}
    for layer in response.context or []:
        for values in layer.dicts if hasattr(layer, "dicts") else [layer]:
            for value in values.values() if isinstance(values, dict) else []:
                candidates = list(value) if isinstance(value, forms.BaseFormSet) else [value]
                for candidate in candidates:
                    if isinstance(candidate, forms.BaseForm) and candidate.fields:
                        found[id(candidate)] = candidate
    return list(found.values())


class _FormFields(HTMLParser):
    """The names of the inputs, selects and textareas of each <form> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[set[str]] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "form":
            self.forms.append(set())
            self._inside = True
        elif tag in ("input", "select", "textarea", "button") and self._inside:
            name = dict(attrs).get("name")
            if name:
                self.forms[-1].add(name)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False


def _html_forms(html: str) -> list[set[str]]:
    parser = _FormFields()
    parser.feed(html)
    return parser.forms


def _on_page(html_name: str, names: set[str]) -> bool:
    # A multi-widget field renders one input per part: name_0, name_1...
    return html_name in names or any(name.startswith(html_name + "_") for name in names)


def _missing_fields(django_forms: list[forms.BaseForm], html_forms: list[set[str]]) -> list[tuple[forms.BaseForm, str]]:
    """Each <form> of the page belongs to the form object whose fields it holds
    the largest share of; an object that gets none is not shown at this step
    (the template says when: the booking form after a search, say). Of the
    ones shown, the fields missing from their <form>."""
    owner: dict[int, tuple[float, forms.BaseForm]] = {}
    for index, names in enumerate(html_forms):
        for form in django_forms:
            share = sum(_on_page(field.html_name, names) for field in form) / len(form.fields)
            if share and share > owner.get(index, (0.0, form))[0]:
                owner[index] = (share, form)
    # A form object is rendered in one <form>: the one holding most of it (the
    # footer's language switch holds a "language" too, not a profile's form).
    best: dict[int, tuple[float, int, forms.BaseForm]] = {}
    for index, (share, form) in owner.items():
        if share > best.get(id(form), (0.0, index, form))[0]:
            best[id(form)] = (share, index, form)
    missing = []
    for _, index, form in best.values():
        missing += [(form, f.name) for f in form if not _on_page(f.html_name, html_forms[index])]
    return missing


def test_every_bound_field_of_every_form_is_on_its_page(world, personas, as_user):
    missing = []
    opened = 0
    routes = _routes()
    for persona in ("counselor", "admin", "partner"):
        client = as_user(getattr(personas, persona))
        for name, params in routes:
            path = _path(name, params, world)
            response = client.get(path)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            found = _forms_in(response)
            opened += len(found)
            for form, field_name in _missing_fields(found, _html_forms(response.content.decode())):
                missing.append(f"{persona} {path}: {type(form).__name__}.{field_name} is not in its <form>")
    assert opened > 20, "the walk found the forms"
    assert not missing, "\n".join(sorted(set(missing)))
