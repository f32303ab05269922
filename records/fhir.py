"""A record's exercises and answers as FHIR R4 resources: each exercise a
``Questionnaire`` (its questions as assigned), each answer a
``QuestionnaireResponse`` pointing at it, all in one ``Bundle`` of type
``collection``. Plain dicts, written to the R4 (4.0.1) structure definitions;
these two resources are the same in R4B, which tests/records/test_fhir.py
validates them against (fhir.resources' R4B models).

Identifiers are ``urn:uuid:`` values derived from the practice's rows
(uuid5), so an export made twice names the same resources the same way and
no internal URL is given out.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from exercises.fields import FieldKind
from exercises.models import Assignment, AssignmentStatus, Response

# The namespace of the portal's FHIR ids (a fixed, random UUID).
NAMESPACE = uuid.UUID("6f1c2a57-3f0e-4d8b-9a42-1b7de0c94a11")

ITEM_TYPES: dict[str, str] = {
    FieldKind.SHORT_TEXT: "string",
    FieldKind.LONG_TEXT: "text",
    FieldKind.SINGLE_CHOICE: "choice",
    FieldKind.CHECKLIST: "choice",
    FieldKind.SCALE: "integer",
    FieldKind.NUMBER: "decimal",
    FieldKind.DATE: "date",
    FieldKind.YES_NO: "boolean",
}


def urn(kind: str, pk: int) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{kind}:{pk}')}"


def _instant(value: datetime) -> str:
    return value.isoformat()


def _question(field: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = {
        "linkId": field["key"],
        "text": field["label"],
        "type": ITEM_TYPES[field["kind"]],
        "required": bool(field.get("required")),
    }
    if field["kind"] == FieldKind.CHECKLIST:
        item["repeats"] = True
    if field["kind"] in (FieldKind.SINGLE_CHOICE, FieldKind.CHECKLIST):
        item["answerOption"] = [
            {"valueCoding": {"code": choice["value"], "display": choice["label"]}} for choice in field["choices"]
        ]
    return item


def questionnaire(assignment: Assignment) -> dict[str, Any]:
    """An exercise as it was assigned (its questions are copied at assignment)."""
    return {
        "resourceType": "Questionnaire",
        "id": f"assignment-{assignment.pk}",
        "url": urn("assignment", assignment.pk),
        "title": assignment.template.title,
        "status": "retired" if assignment.status == AssignmentStatus.ENDED else "active",
        "date": _instant(assignment.created_at),
        "description": assignment.template.summary or assignment.template.title,
        "item": [_question(field) for field in assignment.fields],
    }


def _answer_values(field: dict[str, Any], value: Any) -> list[dict[str, Any]]:
    kind = field["kind"]
    if kind in (FieldKind.SINGLE_CHOICE, FieldKind.CHECKLIST):
        labels = {choice["value"]: choice["label"] for choice in field["choices"]}
        chosen = value if isinstance(value, list) else [value]
        return [{"valueCoding": {"code": str(v), "display": labels.get(v, str(v))}} for v in chosen]
    if kind == FieldKind.YES_NO:
        return [{"valueBoolean": bool(value)}]
    if kind == FieldKind.SCALE:
        return [{"valueInteger": int(value)}]
    if kind == FieldKind.NUMBER:
        return [{"valueDecimal": value}]
    if kind == FieldKind.DATE:
        return [{"valueDate": str(value)}]
    return [{"valueString": str(value)}]


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def questionnaire_response(response: Response, *, subject_name: str) -> dict[str, Any]:
    """One answer; questions left unanswered are left out (FHIR has no empty answer)."""
    assignment = response.occurrence.assignment
    items = []
    for field in assignment.fields:
        value = response.answers.get(field["key"])
        if _is_blank(value):
            continue
        items.append({"linkId": field["key"], "text": field["label"], "answer": _answer_values(field, value)})
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": f"response-{response.pk}",
        "questionnaire": urn("assignment", assignment.pk),
        "status": "completed" if response.is_submitted else "in-progress",
        "authored": _instant(response.submitted_at or response.updated_at),
        "subject": {"display": subject_name},
        "author": {"display": response.author.full_name if response.author else "Both partners (a joint answer)"},
    }
    if items:
        resource["item"] = items
    return resource


def bundle(responses: list[Response], *, subject_name: str, timestamp: datetime) -> dict[str, Any]:
    """The Questionnaire of each exercise answered, then each QuestionnaireResponse."""
    assignments: dict[int, Assignment] = {}
    for response in responses:
        assignments.setdefault(response.occurrence.assignment_id, response.occurrence.assignment)
    entries = [
        {"fullUrl": urn("assignment", assignment.pk), "resource": questionnaire(assignment)}
        for assignment in assignments.values()
    ]
    entries += [
        {
            "fullUrl": urn("response", response.pk),
            "resource": questionnaire_response(response, subject_name=subject_name),
        }
        for response in responses
    ]
    return {"resourceType": "Bundle", "type": "collection", "timestamp": _instant(timestamp), "entry": entries}
