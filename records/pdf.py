"""A record as a readable PDF: the export's document (records.document)
printed section by section, so the PDF and the JSON carry the same things.

Made the way intake's signed-document PDFs are (fpdf2, pure Python, with
intake's vendored DejaVu Sans for accented and non-Latin names). Texts are
printed as written, never rendered as Markdown or HTML.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fpdf import FPDF

from intake.pdf import FAMILY, FONTS


def _new_pdf() -> FPDF:
    pdf = FPDF(format="Letter")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    return pdf


def _when(value: str | None) -> str:
    if not value:
        return ""
    return f"{datetime.fromisoformat(value):%Y-%m-%d %H:%M} UTC"


class _Writer:
    def __init__(self, pdf: FPDF) -> None:
        self.pdf = pdf

    def heading(self, text: str, size: int = 13) -> None:
        self.pdf.ln(3)
        self.pdf.set_font(FAMILY, "B", size)
        self.pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(FAMILY, "", 10)

    def line(self, text: str, *, bold: bool = False) -> None:
        self.pdf.set_font(FAMILY, "B" if bold else "", 10)
        self.pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_font(FAMILY, "", 10)

    def none(self, what: str) -> None:
        self.line(f"No {what}.")


def _exercises(w: _Writer, exercises: list[dict[str, Any]]) -> None:
    w.heading("Your answers to exercises")
    if not exercises:
        w.none("answers")
    for exercise in exercises:
        w.heading(exercise["title"], size=11)
        for answer in exercise["answers"]:
            state = f"submitted {_when(answer['submitted_at'])}" if answer["submitted_at"] else "draft, not sent"
            w.line(f"{'Joint answer' if answer['joint'] else 'Your answer'} ({state}), due {_when(answer['due_at'])}")
            for question in answer["questions"]:
                w.line(question["question"], bold=True)
                w.line(question["answer_text"] or "(no answer)")
            for comment in answer["comments"]:
                w.line(f"Comment by {comment['author']}, {_when(comment['written_at'])}:", bold=True)
                w.line(comment["text"])
            for version in answer["earlier_versions"]:
                w.line(f"Earlier version {version['version']}, submitted {_when(version['submitted_at'])}:", bold=True)
                for question in version["questions"]:
                    w.line(f"{question['question']}: {question['answer_text'] or '(no answer)'}")


def _conversations(w: _Writer, conversations: list[dict[str, Any]]) -> None:
    w.heading("Your conversations")
    if not conversations:
        w.none("conversations")
    for conversation in conversations:
        kind = "Joint conversation" if conversation["kind"] == "joint" else "Private conversation"
        w.heading(f"{kind}: {conversation['subject'] or 'no subject'}", size=11)
        for message in conversation["messages"]:
            w.line(f"{message['author']}, {_when(message['sent_at'])}", bold=True)
            w.line("(deleted)" if message["deleted"] else message["text"])
            for attachment in message["attachments"]:
                w.line(f"Attached: {attachment['name']} ({attachment['content_type']}, {attachment['size']} bytes)")


def record_pdf(document: dict[str, Any]) -> bytes:
    """The PDF of a record's document (records.document.record_document)."""
    profile = document["profile"]
    pdf = _new_pdf()
    pdf.set_title(f"Record of {profile['full_name']}")
    pdf.set_author(document["practice"])
    pdf.set_creation_date(datetime.fromisoformat(document["generated_at"]))
    pdf.add_page()
    w = _Writer(pdf)
    w.heading(f"Record of {profile['full_name']}", size=16)
    w.line(f"{document['practice']} · made {_when(document['generated_at'])}")
    w.heading("Profile")
    w.line(f"Name: {profile['full_name']}")
    w.line(f"E-mail: {profile['email']}")
    w.line(f"Phone: {profile['phone'] or 'none given'}")
    w.line(f"Time zone: {profile['time_zone']}")
    for couple in document["couples"]:
        w.line(
            f"With {couple['partner']} since {couple['started_on']} ({couple['status']}); "
            f"counselor: {', '.join(couple['counselors'])}"
        )
    w.heading("Appointments")
    if not document["appointments"]:
        w.none("appointments")
    for appointment in document["appointments"]:
        cancelled = f", cancelled: {appointment['cancellation_reason'] or 'no reason given'}"
        w.line(
            f"{_when(appointment['start'])} to {_when(appointment['end'])}: {appointment['kind'].replace('_', ' ')} "
            f"with {appointment['counselor']} at {appointment['location']} ({appointment['status']})"
            + (cancelled if appointment["cancelled_at"] else "")
        )
    _exercises(w, document["exercises"])
    w.heading("Your measures")
    if not document["measures"]:
        w.none("scores")
    for score in document["measures"]:
        band = f" ({score['band']})" if score["band"] else ""
        w.line(f"{_when(score['submitted_at'])}: {score['measure']}: {score['score']:g}{band}")
    w.heading("Documents you signed")
    if not document["signed_documents"]:
        w.none("signed documents")
    for signed in document["signed_documents"]:
        revoked = f"; revoked {_when(signed['revoked_at'])}" if signed["revoked_at"] else ""
        w.line(f"{signed['document']}, version {signed['version']}: signed {_when(signed['signed_at'])}{revoked}")
    _conversations(w, document["conversations"])
    return bytes(pdf.output())
