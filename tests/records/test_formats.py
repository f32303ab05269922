"""The JSON export fits its JSON Schema (records/schema/record.schema.json),
and its FHIR part is an R4 Bundle of Questionnaires and QuestionnaireResponses
(validated with fhir.resources' R4B models: the two resources are the same
in R4 and R4B)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

pytestmark = pytest.mark.django_db

SCHEMA = Path(__file__).resolve().parents[2] / "records" / "schema" / "record.schema.json"


@pytest.fixture
def schema():
    loaded = json.loads(SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


@pytest.fixture
def record(filled, partner, as_user, download, as_json):
    return as_json(download(as_user(partner), "/me/record.json"))


def _validator(schema):
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_the_export_fits_the_schema(schema, record):
    _validator(schema).validate(record)


def test_an_empty_record_fits_the_schema_too(schema, partner, as_user, download, as_json):
    empty = as_json(download(as_user(partner), "/me/record.json"))
    assert empty["exercises"] == [] and empty["fhir"]["entry"] == []
    _validator(schema).validate(empty)


def test_the_schema_refuses_a_record_with_an_unknown_section(schema, record):
    record["safety"] = {"flagged": True}
    with pytest.raises(jsonschema.ValidationError):
        _validator(schema).validate(record)


def test_the_api_gives_the_same_document(filled, partner, as_user, record):
    api = as_user(partner).get("/api/v1/me/record/")
    assert api.status_code == 200
    body = api.json()
    assert {k: v for k, v in body.items() if k != "generated_at" and k != "fhir"} == {
        k: v for k, v in record.items() if k != "generated_at" and k != "fhir"
    }


def test_the_fhir_part_is_a_valid_r4_bundle(record):
    bundle = Bundle.model_validate(record["fhir"])
    assert bundle.type == "collection"
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert "Questionnaire" in kinds and "QuestionnaireResponse" in kinds


def test_each_answer_is_a_questionnaire_response_of_a_questionnaire_in_the_bundle(record, filled):
    resources = [entry["resource"] for entry in record["fhir"]["entry"]]
    questionnaires = {
        r["url"]: Questionnaire.model_validate(r) for r in resources if r["resourceType"] == "Questionnaire"
    }
    responses = [
        QuestionnaireResponse.model_validate(r) for r in resources if r["resourceType"] == "QuestionnaireResponse"
    ]
    answered = {a["id"] for e in record["exercises"] for a in e["answers"]}
    assert {r.id for r in responses} == {f"response-{pk}" for pk in answered}
    for response in responses:
        questionnaire = questionnaires[response.questionnaire]
        asked = {item.linkId for item in questionnaire.item}
        assert {item.linkId for item in response.item or []} <= asked
    sams = next(r for r in responses if r.id == f"response-{filled.sams_answer.pk}")
    assert sams.status == "completed"
    assert [(i.linkId, i.answer[0].valueString or i.answer[0].valueInteger) for i in sams.item] == [
        ("feeling", "SAM-GRATEFUL"),
        ("closeness", 4),
    ]


def test_a_choice_answer_is_a_coding_with_its_label(record):
    resources = [entry["resource"] for entry in record["fhir"]["entry"]]
    codings = [
        answer["valueCoding"]
        for r in resources
        if r["resourceType"] == "QuestionnaireResponse"
        for item in r.get("item", [])
        for answer in item["answer"]
        if "valueCoding" in answer
    ]
    assert {"code": "yes", "display": "Yes"} in codings  # Sam's "Do you feel safe at home?"


def test_a_draft_is_an_in_progress_response(record):
    resources = [entry["resource"] for entry in record["fhir"]["entry"]]
    statuses = {r["status"] for r in resources if r["resourceType"] == "QuestionnaireResponse"}
    assert statuses == {"completed", "in-progress"}
