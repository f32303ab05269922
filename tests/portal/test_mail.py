"""portal.mail: the composed bytes say what Django's own message says, read
back by the standard library's parser; anything it does not handle goes
through Django's path; a line break in a header is refused."""

from __future__ import annotations

import email.policy
import smtplib
from email import message_from_bytes
from email.message import EmailMessage as ParsedMessage

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.message import BadHeaderError
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.mail import EmailBackend, compose
from tests.processes import free_port

# Text a template could produce: any printable character, long lines, lines
# that start with a dot (SMTP's end of data) or end in spaces.
body_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r") | st.sampled_from("\n.  \t"),
    max_size=1500,
)
# A subject as wording() makes one: trimmed, on one line.
header_text = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=120)
    .map(str.strip)
    .filter(bool)
)
# A person's name as the portal keeps it: single spaces, no quotes or backslashes.
names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters='"\\'), max_size=60
).map(lambda name: " ".join(name.split()))


def parse(raw: bytes) -> ParsedMessage:
    return message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def content(part: ParsedMessage) -> str:
    # Lines travel with CRLF; a mail client reads them as plain line breaks.
    return str(part.get_content()).replace("\r\n", "\n")


def reminder_like(subject: str = "Harbor: “Weekly check-in” is due soon", **overrides) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject,
        body=overrides.pop("body", "Hello Riley,\n\nYour exercise is due.\n"),
        from_email=overrides.pop("from_email", "Harbor Counseling <no-reply@harbor.test>"),
        to=overrides.pop("to", ["Riley Ó Briain <riley@example.test>"]),
        headers={"Message-ID": "<reminder.7.exercise_due_soon@harbor.test>", "List-Unsubscribe-Post": "One-Click"},
    )
    message.attach_alternative(overrides.pop("html", "<p>Hello Riley,</p>"), "text/html")
    return message


def test_composed_message_reads_back_as_django_builds_it():
    message = reminder_like()
    ours, djangos = parse(compose(message) or b""), parse(message.message().as_bytes(linesep="\r\n"))

    for name in ("Subject", "From", "To", "Message-ID", "List-Unsubscribe-Post"):
        assert str(ours[name]) == str(djangos[name]), name
    assert ours.get_content_type() == "multipart/alternative"
    assert [content(p) for p in ours.iter_parts()] == [content(p) for p in djangos.iter_parts()]
    assert [p.get_content_type() for p in ours.iter_parts()] == ["text/plain", "text/html"]


@settings(max_examples=150, deadline=None)
@given(subject=header_text, name=names, text=body_text, html=body_text)
def test_any_subject_name_and_bodies_survive_the_round_trip(subject, name, text, html):
    message = reminder_like(subject=subject, to=[f'"{name}" <riley@example.test>'], body=text, html=html)

    raw = compose(message)

    assert raw is not None
    parsed, djangos = parse(raw), parse(message.message().as_bytes(linesep="\r\n"))
    assert parsed["Subject"] == subject
    # Names are encoded by Django's own sanitize_address: they read back alike.
    assert parsed["To"].addresses == djangos["To"].addresses
    assert parsed["To"].addresses[0].addr_spec == "riley@example.test"
    text_part, html_part = parsed.iter_parts()
    assert content(text_part) == text
    assert content(html_part) == html


@settings(max_examples=50, deadline=None)
@given(subject=header_text, name=names, text=body_text)
def test_lines_are_ascii_crlf_and_shorter_than_smtps_limit(subject, name, text):
    raw = compose(reminder_like(subject=subject, to=[f'"{name}" <riley@example.test>'], body=text)) or b""

    assert raw.isascii()
    lines = raw.split(b"\r\n")
    assert b"\n" not in b"".join(lines) and b"\r" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 998


def test_a_plain_text_message_is_one_part():
    message = EmailMessage(subject="Hi", body="Just text.\n", from_email="a@harbor.test", to=["b@example.test"])

    parsed = parse(compose(message) or b"")

    assert parsed.get_content_type() == "text/plain"
    assert content(parsed) == "Just text.\n"


def test_a_line_break_in_a_header_is_refused():
    with pytest.raises(BadHeaderError):
        compose(reminder_like(subject="Hello\r\nBcc: everyone@example.test"))


def test_attachments_are_left_to_django():
    message = reminder_like()
    message.attach("visit.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")

    assert compose(message) is None


class Recorder:
    def __init__(self) -> None:
        self.received: list[bytes] = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, options) -> str:
        if self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.received.append(envelope.content)
        return "250 OK"


@pytest.fixture
def smtp_server():
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield recorder, port
    finally:
        controller.stop()


def test_backend_sends_composed_and_django_built_messages_over_one_connection(smtp_server, settings):
    recorder, port = smtp_server
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    with_attachment = reminder_like(subject="With a file")
    with_attachment.attach("visit.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")

    sent = EmailBackend().send_messages([reminder_like(subject="Composed"), with_attachment])

    assert sent == 2
    assert [parse(raw)["Subject"] for raw in recorder.received] == ["Composed", "With a file"]


def test_backend_reports_a_refusal(smtp_server, settings):
    recorder, port = smtp_server
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    recorder.refuse = True

    with pytest.raises(smtplib.SMTPRecipientsRefused):
        EmailBackend().send_messages([reminder_like()])
    assert recorder.received == []
