"""A record as a readable PDF: the export's document (records.document)
printed section by section, so the PDF and the JSON carry the same things.

Made the way intake's signed-document PDFs are (fpdf2, pure Python, with
intake's vendored DejaVu Sans for accented and non-Latin names). Texts are
printed as written, never rendered as Markdown or HTML.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from fpdf import FPDF

from accounts.models import CoupleStatus
from intake.pdf import FAMILY, FONTS
from scheduling.models import AppointmentKind, AppointmentStatus


def _new_pdf() -> FPDF:
    pdf = FPDF(format="Letter")
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    return pdf


def _label(choices: type[models.TextChoices], value: str) -> str:
    """A status or kind as a person reads it, in the active language (the value itself if unknown)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value.replace("_", " ")


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

    def none(self, text: str) -> None:
        self.line(text)


def _exercises(w: _Writer, exercises: list[dict[str, Any]]) -> None:
    w.heading(gettext("Your answers to exercises"))
    if not exercises:
        w.none(gettext("No answers."))
    no_answer = gettext("(no answer)")
    for exercise in exercises:
        w.heading(exercise["title"], size=11)
        for answer in exercise["answers"]:
            if answer["submitted_at"]:
                state = gettext("submitted %(when)s") % {"when": _when(answer["submitted_at"])}
            else:
                state = gettext("draft, not sent")
            if answer["joint"]:
                text = gettext("Joint answer (%(state)s), due %(when)s")
            else:
                text = gettext("Your answer (%(state)s), due %(when)s")
            w.line(text % {"state": state, "when": _when(answer["due_at"])})
            for question in answer["questions"]:
                w.line(question["question"], bold=True)
                w.line(question["answer_text"] or no_answer)
            for comment in answer["comments"]:
                when = _when(comment["written_at"])
                w.line(gettext("Comment by %(name)s, %(when)s:") % {"name": comment["author"], "when": when}, bold=True)
                w.line(comment["text"])
            for version in answer["earlier_versions"]:
                w.line(
                    gettext("Earlier version %(number)s, submitted %(when)s:")
                    % {"number": version["version"], "when": _when(version["submitted_at"])},
                    bold=True,
                )
                for question in version["questions"]:
                    w.line(f"{question['question']}: {question['answer_text'] or no_answer}")


def _conversations(w: _Writer, conversations: list[dict[str, Any]]) -> None:
    w.heading(gettext("Your conversations"))
    if not conversations:
        w.none(gettext("No conversations."))
    for conversation in conversations:
        subject = conversation["subject"] or gettext("no subject")
        if conversation["kind"] == "joint":
            w.heading(gettext("Joint conversation: %(subject)s") % {"subject": subject}, size=11)
        else:
            w.heading(gettext("Private conversation: %(subject)s") % {"subject": subject}, size=11)
        for message in conversation["messages"]:
            w.line(f"{message['author']}, {_when(message['sent_at'])}", bold=True)
            w.line(gettext("(deleted)") if message["deleted"] else message["text"])
            for attachment in message["attachments"]:
                w.line(
                    gettext("Attached: %(name)s (%(type)s, %(size)s bytes)")
                    % {"name": attachment["name"], "type": attachment["content_type"], "size": attachment["size"]}
                )


def record_pdf(document: dict[str, Any]) -> bytes:
    """The PDF of a record's document (records.document.record_document), its
    words in the active language (the view makes it the client's)."""
    profile = document["profile"]
    pdf = _new_pdf()
    pdf.set_lang(translation.get_language() or "en")
    title = gettext("Record of %(name)s") % {"name": profile["full_name"]}
    pdf.set_title(title)
    pdf.set_author(document["practice"])
    pdf.set_creation_date(datetime.fromisoformat(document["generated_at"]))
    pdf.add_page()
    w = _Writer(pdf)
    w.heading(title, size=16)
    w.line(
        gettext("%(practice)s · made %(when)s")
        % {"practice": document["practice"], "when": _when(document["generated_at"])}
    )
    w.heading(gettext("Profile"))
    w.line(gettext("Name: %(name)s") % {"name": profile["full_name"]})
    w.line(gettext("E-mail: %(email)s") % {"email": profile["email"]})
    w.line(gettext("Phone: %(phone)s") % {"phone": profile["phone"] or gettext("none given")})
    w.line(gettext("Time zone: %(zone)s") % {"zone": profile["time_zone"]})
    for couple in document["couples"]:
        w.line(
            gettext("With %(partner)s since %(since)s (%(status)s); counselor: %(counselors)s")
            % {
                "partner": couple["partner"],
                "since": couple["started_on"],
                "status": _label(CoupleStatus, couple["status"]),
                "counselors": ", ".join(couple["counselors"]),
            }
        )
    w.heading(gettext("Appointments"))
    if not document["appointments"]:
        w.none(gettext("No appointments."))
    for appointment in document["appointments"]:
        text = gettext("%(start)s to %(end)s: %(kind)s with %(counselor)s at %(location)s (%(status)s)") % {
            "start": _when(appointment["start"]),
            "end": _when(appointment["end"]),
            "kind": _label(AppointmentKind, appointment["kind"]),
            "counselor": appointment["counselor"],
            "location": appointment["location"],
            "status": _label(AppointmentStatus, appointment["status"]),
        }
        if appointment["cancelled_at"]:
            reason = appointment["cancellation_reason"] or gettext("no reason given")
            text += gettext(", cancelled: %(reason)s") % {"reason": reason}
        w.line(text)
    _exercises(w, document["exercises"])
    w.heading(gettext("Your measures"))
    if not document["measures"]:
        w.none(gettext("No scores."))
    for score in document["measures"]:
        band = f" ({score['band']})" if score["band"] else ""
        w.line(f"{_when(score['submitted_at'])}: {score['measure']}: {score['score']:g}{band}")
    w.heading(gettext("Documents you signed"))
    if not document["signed_documents"]:
        w.none(gettext("No signed documents."))
    for signed in document["signed_documents"]:
        values = {"document": signed["document"], "number": signed["version"], "when": _when(signed["signed_at"])}
        if signed["revoked_at"]:
            values["revoked"] = _when(signed["revoked_at"])
            w.line(gettext("%(document)s, version %(number)s: signed %(when)s; revoked %(revoked)s") % values)
        else:
            w.line(gettext("%(document)s, version %(number)s: signed %(when)s") % values)
    _conversations(w, document["conversations"])
    return bytes(pdf.output())
