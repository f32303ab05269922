"""A record as the export's document: plain JSON values, described by
records/schema/record.schema.json, the same for the JSON download, the API
and the PDF (records.pdf prints this document, so both carry the same
things). Never in it: staff notes on appointments, message revisions, safety
settings and flags, anything of the other partner's the subject may not see
(records.selectors filtered that out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from exercises.fields import FieldKind
from exercises.models import Response
from intake.models import Signature
from messaging.models import Thread
from records import fhir
from records.selectors import Record

FORMAT = "portal-record/1"


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _answer_text(field: dict[str, Any], value: Any) -> str:
    """An answer as a person reads it (a choice's label, yes/no)."""
    if value is None or value == "" or value == []:
        return ""
    if field["kind"] in (FieldKind.SINGLE_CHOICE, FieldKind.CHECKLIST):
        labels = {choice["value"]: choice["label"] for choice in field.get("choices", [])}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(v, str(v)) for v in chosen)
    if field["kind"] == FieldKind.YES_NO:
        return gettext("Yes") if value else gettext("No")
    return str(value)


def _questions(fields: list[dict[str, Any]], answers: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "key": field["key"],
            "question": field["label"],
            "kind": field["kind"],
            "answer": answers.get(field["key"]),
            "answer_text": _answer_text(field, answers.get(field["key"])),
        }
        for field in fields
    ]


def _answer(response: Response) -> dict[str, Any]:
    occurrence = response.occurrence
    fields = occurrence.assignment.fields
    return {
        "id": response.pk,
        "joint": response.author_id is None,
        "due_at": _when(occurrence.due_at),
        "state": response.state,
        "submitted_at": _when(response.submitted_at),
        "version": response.version,
        "questions": _questions(fields, response.answers),
        "earlier_versions": [
            {
                "version": version.version,
                "submitted_at": _when(version.submitted_at),
                "questions": _questions(fields, version.answers),
            }
            for version in response.versions.all()
        ],
        "comments": [
            {"author": comment.author.full_name, "written_at": _when(comment.created_at), "text": comment.body}
            for comment in response.visible_comments  # type: ignore[attr-defined]
        ],
    }


def _exercises(responses: list[Response]) -> list[dict[str, Any]]:
    exercises: dict[int, dict[str, Any]] = {}
    for response in responses:
        assignment = response.occurrence.assignment
        exercise = exercises.setdefault(
            assignment.pk,
            {
                "id": assignment.pk,
                "couple_id": assignment.couple_id,
                "title": assignment.template.title,
                "summary": assignment.template.summary,
                "assigned_on": assignment.starts_on.isoformat(),
                "joint": assignment.is_joint,
                "answers": [],
            },
        )
        exercise["answers"].append(_answer(response))
    return list(exercises.values())


def _conversation(thread: Thread, subject_id: int) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "couple_id": thread.couple_id,
        "kind": thread.kind,
        "subject": thread.subject,
        "started_at": _when(thread.created_at),
        "messages": [
            {
                "id": message.pk,
                "author": message.author.full_name,
                "from_me": message.author_id == subject_id,
                "sent_at": _when(message.created_at),
                "edited_at": _when(message.edited_at),
                "deleted": message.is_deleted,
                "text": message.shown_body,
                "attachments": [
                    {"name": a.original_name, "content_type": a.content_type, "size": a.size}
                    for a in message.shown_attachments
                ],
            }
            for message in thread.messages.all()
        ],
    }


def record_document(record: Record, *, generated_at: datetime) -> dict[str, Any]:
    subject = record.subject
    return {
        "format": FORMAT,
        "generated_at": generated_at.isoformat(),
        "practice": settings.PRACTICE_NAME,
        "profile": {
            "id": subject.pk,
            "full_name": subject.full_name,
            "email": subject.email,
            "phone": subject.phone,
            "time_zone": subject.time_zone,
            "joined_at": _when(subject.date_joined),
        },
        "couples": [
            {
                "id": couple.pk,
                "partner": couple.partner_of(subject).full_name,
                "counselors": [couple.primary_counselor.full_name]
                + [c.full_name for c in couple.other_counselors.all() if c.pk != couple.primary_counselor_id],
                "status": couple.status,
                "started_on": couple.started_on.isoformat(),
            }
            for couple in record.couples
        ],
        "appointments": [
            {
                "id": appointment.pk,
                "couple_id": appointment.couple_id,
                "kind": appointment.kind,
                "status": appointment.status,
                "start": _when(appointment.start),
                "end": _when(appointment.end),
                "counselor": appointment.counselor.full_name,
                "location": appointment.location.name,
                "video_link": appointment.telehealth_url,
                "cancelled_at": _when(appointment.cancelled_at),
                "cancellation_reason": appointment.cancellation_reason,
            }
            for appointment in (participation.appointment for participation in record.participations)
        ],
        "exercises": _exercises(record.responses),
        "measures": [
            {
                "measure": score.measure.local_title,
                "score": float(score.score),
                "band": score.measure.band_label(score.band),
                "submitted_at": _when(score.submitted_at),
                "answer_id": score.response_id,
            }
            for score in record.scores
        ],
        "signed_documents": [_signed(signature) for signature in record.signatures],
        "conversations": [_conversation(thread, subject.pk) for thread in record.threads],
        "fhir": fhir.bundle(record.responses, subject_name=subject.full_name, timestamp=generated_at),
    }


def _signed(signature: Signature) -> dict[str, Any]:
    revocation = getattr(signature, "revocation", None)  # loaded with the signature; absent if never revoked
    return {
        "id": signature.pk,
        "document": signature.version.document.local_title,
        "language": signature.language,
        "version": signature.version.number,
        "signed_at": _when(signature.signed_at),
        "typed_name": signature.typed_name,
        "text_sha256": signature.version_sha256,
        "revoked_at": _when(revocation.revoked_at) if revocation is not None else None,
    }
