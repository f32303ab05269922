"""What Sam's own record holds: his profile, appointments, answers (with their
questions and Dana's comments), scores, signatures and conversations."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

JSON_URL = "/me/record.json"


@pytest.fixture
def sams_record(filled, partner, as_user, download, as_json):
    return as_json(download(as_user(partner), JSON_URL))


def _answers(record):
    return {answer["id"]: (exercise, answer) for exercise in record["exercises"] for answer in exercise["answers"]}


def test_the_profile_is_sams(sams_record, partner):
    assert sams_record["profile"]["email"] == "sam@example.test"
    assert sams_record["profile"]["full_name"] == "Sam Lee"
    assert sams_record["couples"][0]["partner"] == "Riley Lee"
    assert sams_record["couples"][0]["counselors"] == ["Dana Reyes"]


def test_his_answer_comes_with_its_questions_and_the_comment_on_it(sams_record, filled):
    exercise, answer = _answers(sams_record)[filled.sams_answer.pk]
    assert exercise["title"] == "Appreciations"
    assert [(q["question"], q["answer"]) for q in answer["questions"]] == [
        ("I feel…", "SAM-GRATEFUL"),
        ("How close?", 4),
    ]
    assert [c["text"] for c in answer["comments"]] == ["DANA-ON-SAM: well put."]


def test_his_own_answers_joint_ones_drafts_and_intake_are_there(sams_record):
    feelings = {
        q["answer"]
        for _, answer in _answers(sams_record).values()
        for q in answer["questions"]
        if q["key"] in ("feeling", "what_brings_you")
    }
    assert {"SAM-GRATEFUL", "JOINT-PLAN", "SAM-OWN-PRIVATE", "SAM-DRAFT", "SAM-INTAKE"} <= feelings


def test_the_other_partners_answers_are_not_in_his_record_even_when_he_may_read_them(sams_record, filled):
    assert filled.sams_answer.pk in _answers(sams_record)
    assert "riley-shared" not in str(sams_record)


def test_his_score_signature_and_appointment_are_there(sams_record, filled):
    assert [m["measure"] for m in sams_record["measures"]] == ["Emotional intimacy check"]
    signed = sams_record["signed_documents"]
    assert [(s["document"], s["version"]) for s in signed] == [("Consent to counseling", 1)]
    assert signed[0]["signed_at"] == filled.signature.signed_at.isoformat()
    assert [a["id"] for a in sams_record["appointments"]] == [filled.appointment.pk]
    assert sams_record["appointments"][0]["counselor"] == "Dana Reyes"


def test_the_joint_and_his_private_conversations_are_there(sams_record, filled):
    conversations = {c["id"]: c for c in sams_record["conversations"]}
    assert set(conversations) == {filled.joint_thread.pk, filled.sams_thread.pk}
    joint = [m["text"] for m in conversations[filled.joint_thread.pk]["messages"]]
    assert joint == ["DANA-TO-BOTH", "SAM-IN-JOINT"]
    private = conversations[filled.sams_thread.pk]["messages"]
    assert [(m["text"], m["from_me"]) for m in private] == [("DANA-TO-SAM", False), ("SAM-PRIVATE-REPLY", True)]


def test_the_pdf_prints_the_same_record(filled, partner, as_user, download, pdf_text):
    text = pdf_text(download(as_user(partner), "/me/record.pdf"))
    for expected in (
        "Record of Sam Lee",
        "SAM-GRATEFUL",
        "DANA-ON-SAM",
        "Consent to counseling, version 1",
        "SAM-PRIVATE-REPLY",
        "Emotional intimacy check",
    ):
        assert expected in text
