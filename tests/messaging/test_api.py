"""The messaging API (/api/v1/threads/...): scope (the other partner's private
thread, another couple's and the admin answer 404 everywhere), starting a
thread, posting, editing and deleting, cursor paging, read state, and
attachments uploaded and downloaded."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from messaging import services
from messaging.models import Attachment, Message, Thread
from messaging.selectors import Cursor

MISSING = 987654321


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def _messages_url(thread) -> str:
    return f"/api/v1/threads/{thread.pk}/messages/"


def _with_photo(thread, author, upload, png_bytes) -> Attachment:
    message = services.message_post(actor=author, thread=thread, body="A photo.", files=[upload("us.png", png_bytes)])
    return message.attachments.get()


def _attachment_url(attachment) -> str:
    message = attachment.message
    return f"/api/v1/threads/{message.thread_id}/messages/{message.pk}/attachments/{attachment.pk}/"


def _content_requests(thread, attachment):
    """Every endpoint under a thread, as (method, url, body)."""
    return [
        ("get", f"/api/v1/threads/{thread.pk}/", None),
        ("get", _messages_url(thread), None),
        ("post", _messages_url(thread), {"body": "Hello?"}),
        ("post", f"/api/v1/threads/{thread.pk}/read/", None),
        ("get", _attachment_url(attachment), None),
    ]


def _send(client, method, url, body):
    if method == "post":
        return _post(client, url, body or {})
    return client.get(url)


# --- scope ----------------------------------------------------------------------------------------------


def test_a_partner_never_reaches_the_other_partner_s_private_thread(
    partner, counselor, rileys_private, as_user, upload, png_bytes
):
    attachment = _with_photo(rileys_private, counselor, upload, png_bytes)
    client = as_user(partner)
    answers = {
        url: _send(client, method, url, body).status_code
        for method, url, body in _content_requests(rileys_private, attachment)
    }
    assert set(answers.values()) == {404}, answers
    assert Message.objects.filter(thread=rileys_private).count() == 2  # nothing posted


def test_the_other_partner_s_private_thread_answers_like_a_missing_one(partner, rileys_private, as_user):
    client = as_user(partner)
    hidden = client.get(f"/api/v1/threads/{rileys_private.pk}/messages/")
    missing = client.get(f"/api/v1/threads/{MISSING}/messages/")
    assert (hidden.status_code, hidden.json()) == (missing.status_code, missing.json())


def test_a_partner_lists_the_joint_thread_and_their_own_private_one(
    partner, joint, sams_private, rileys_private, other_joint, as_user
):
    rows = as_user(partner).get("/api/v1/threads/").json()["results"]
    assert {row["id"] for row in rows} == {joint.pk, sams_private.pk}


def test_another_couple_s_thread_is_404(other_couple, joint, as_user, upload, png_bytes, counselor):
    attachment = _with_photo(joint, counselor, upload, png_bytes)
    client = as_user(other_couple.partner_one)
    answers = {
        url: _send(client, method, url, body).status_code for method, url, body in _content_requests(joint, attachment)
    }
    assert set(answers.values()) == {404}, answers


def test_a_practice_admin_reaches_no_thread_s_content(practice_admin, joint, counselor, as_user, upload, png_bytes):
    attachment = _with_photo(joint, counselor, upload, png_bytes)
    client = as_user(practice_admin)
    answers = {
        url: _send(client, method, url, body).status_code for method, url, body in _content_requests(joint, attachment)
    }
    assert set(answers.values()) == {404}, answers


def test_a_practice_admin_lists_no_thread(practice_admin, joint, other_joint, as_user):
    body = as_user(practice_admin).get("/api/v1/threads/").json()
    assert (body["count"], body["results"]) == (0, [])


def test_the_list_is_newest_conversation_first(counselor, joint, sams_private, as_user):
    services.message_post(actor=counselor, thread=joint, body="Newer.")
    rows = as_user(counselor).get("/api/v1/threads/").json()["results"]
    assert [row["id"] for row in rows] == [joint.pk, sams_private.pk]


def test_a_thread_in_the_list_says_what_the_reader_has_not_read(partner, counselor, joint, as_user):
    services.message_post(actor=counselor, thread=joint, body="Second.")
    (row,) = as_user(partner).get("/api/v1/threads/").json()["results"]
    assert row == {
        "id": joint.pk,
        "couple": joint.couple_id,
        "kind": "joint",
        "partner": None,
        "subject": "Between sessions",
        "started_by": counselor.pk,
        "created_at": row["created_at"],
        "last_message_at": row["last_message_at"],
        "unread_count": 2,
        "my_last_read_at": None,
    }


# --- reading a thread ------------------------------------------------------------------------------------


def test_the_counselor_s_detail_shows_who_has_read_up_to_when(partner, counselor, joint, as_user):
    state = services.thread_mark_read(user=partner, thread=joint)
    body = as_user(counselor).get(f"/api/v1/threads/{joint.pk}/").json()
    assert body["read_states"] == [
        {"user": partner.pk, "name": partner.full_name, "last_read_at": body["read_states"][0]["last_read_at"]}
    ]
    # The API writes the time in the practice's zone; it must be the same instant as the stored UTC one,
    # whatever the hour of the day the suite runs.
    assert datetime.fromisoformat(body["read_states"][0]["last_read_at"]) == state.last_read_at


def test_a_partner_s_detail_has_no_read_states(partner, other_partner, joint, as_user):
    services.thread_mark_read(user=other_partner, thread=joint)
    body = as_user(partner).get(f"/api/v1/threads/{joint.pk}/").json()
    assert body["id"] == joint.pk
    assert "read_states" not in body


def test_staff_reads_of_a_thread_and_its_messages_are_audited(counselor, joint, as_user):
    client = as_user(counselor)
    client.get(f"/api/v1/threads/{joint.pk}/")
    client.get(_messages_url(joint))
    views = AuditEvent.objects.filter(action=AuditAction.THREAD_VIEWED, target_id=str(joint.pk))
    assert sorted(event.details["view"] for event in views) == ["api-detail", "api-messages"]


def test_a_partner_reading_their_thread_is_not_audited(partner, joint, as_user):
    as_user(partner).get(_messages_url(joint))
    assert not AuditEvent.objects.filter(action=AuditAction.THREAD_VIEWED).exists()


def test_marking_read_answers_the_time_and_clears_the_unread_count(partner, joint, as_user):
    client = as_user(partner)
    response = client.post(f"/api/v1/threads/{joint.pk}/read/")
    assert response.status_code == 200
    (row,) = client.get("/api/v1/threads/").json()["results"]
    assert (row["unread_count"], row["my_last_read_at"]) == (0, response.json()["last_read_at"])


def test_every_answer_carrying_messages_is_no_store(partner, joint, as_user):
    response = as_user(partner).get(_messages_url(joint))
    assert "no-store" in response["Cache-Control"]


# --- starting a thread -----------------------------------------------------------------------------------


def test_a_counselor_starts_a_private_thread(counselor, couple, partner, as_user):
    body = {"couple": couple.pk, "kind": "private", "partner": partner.pk, "subject": "Just us", "body": "Hi Sam."}
    response = _post(as_user(counselor), "/api/v1/threads/", body)
    assert response.status_code == 201, response.content
    thread = Thread.objects.get(pk=response.json()["id"])
    assert (thread.kind, thread.partner, thread.subject, thread.messages.get().body) == (
        "private",
        partner,
        "Just us",
        "Hi Sam.",
    )


def test_another_counselor_s_couple_answers_like_a_missing_one(counselor, other_couple, as_user):
    client = as_user(counselor)
    foreign = _post(client, "/api/v1/threads/", {"couple": other_couple.pk, "kind": "joint", "body": "Hello."})
    missing = _post(client, "/api/v1/threads/", {"couple": MISSING, "kind": "joint", "body": "Hello."})
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert foreign.status_code == 404
    assert not Thread.objects.exists()


def test_another_couple_s_partner_answers_like_a_missing_one(counselor, couple, other_couple, as_user):
    client = as_user(counselor)
    body = {"couple": couple.pk, "kind": "private", "body": "Hello."}
    foreign = _post(client, "/api/v1/threads/", {**body, "partner": other_couple.partner_one.pk})
    missing = _post(client, "/api/v1/threads/", {**body, "partner": MISSING})
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())
    assert foreign.status_code == 404


def test_a_partner_may_not_start_a_thread_by_default(partner, couple, as_user):
    response = _post(as_user(partner), "/api/v1/threads/", {"couple": couple.pk, "kind": "joint", "body": "Hi."})
    assert response.status_code == 403
    assert "Your counselor starts conversations" in response.json()["detail"]


def test_a_partner_starts_a_joint_thread_when_the_practice_allows_it(partner, couple, clients_may_start, as_user):
    response = _post(as_user(partner), "/api/v1/threads/", {"couple": couple.pk, "kind": "joint", "body": "Hi."})
    assert response.status_code == 201
    assert response.json()["started_by"] == partner.pk


def test_a_practice_admin_may_not_start_a_thread(practice_admin, couple, as_user):
    response = _post(as_user(practice_admin), "/api/v1/threads/", {"couple": couple.pk, "kind": "joint", "body": "Hi."})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "group"}, "kind"),
        ({"body": ""}, "body"),
        ({"kind": "private"}, "partner"),
        ({"subject": "x" * 121}, "subject"),
        ({"couple": "Sam"}, "couple"),
    ],
)
def test_a_bad_start_is_a_400_naming_the_field(counselor, couple, as_user, change, field):
    body = {"couple": couple.pk, "kind": "joint", "body": "Hi.", **change}
    response = _post(as_user(counselor), "/api/v1/threads/", body)
    assert response.status_code == 400
    assert list(response.json()) == [field]


# --- posting, editing, deleting -----------------------------------------------------------------------------


def test_a_partner_posts_in_the_joint_thread(partner, joint, as_user):
    response = _post(as_user(partner), _messages_url(joint), {"body": "We *tried* it."})
    assert response.status_code == 201
    body = response.json()
    assert (body["author"], body["body"], body["attachments"], body["edited_at"]) == (
        {"id": partner.pk, "name": partner.full_name},
        "We *tried* it.",
        [],
        None,
    )


def test_an_empty_post_is_a_400_naming_body(partner, joint, as_user):
    response = _post(as_user(partner), _messages_url(joint), {"body": "  "})
    assert response.status_code == 400
    assert list(response.json()) == ["body"]


def test_a_partner_reads_but_may_not_post_in_a_high_conflict_joint_thread(partner, joint, high_conflict, as_user):
    client = as_user(partner)
    assert client.get(_messages_url(joint)).status_code == 200
    assert _post(client, _messages_url(joint), {"body": "Hello."}).status_code == 403


def _message_url(message) -> str:
    return f"/api/v1/threads/{message.thread_id}/messages/{message.pk}/"


def _patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def test_the_author_edits_within_five_minutes(partner, joint, as_user):
    message = services.message_post(actor=partner, thread=joint, body="Frist.")
    response = _patch(as_user(partner), _message_url(message), {"body": "First."})
    assert response.status_code == 200
    assert (response.json()["body"], response.json()["edited_at"] is not None) == ("First.", True)
    assert message.revisions.get().body == "Frist."


def test_an_edit_after_five_minutes_is_403(partner, joint, as_user):
    message = services.message_post(actor=partner, thread=joint, body="Old.")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    response = _patch(as_user(partner), _message_url(message), {"body": "New."})
    assert response.status_code == 403
    assert "5 minutes" in response.json()["detail"]


def test_someone_else_s_message_is_not_theirs_to_edit(partner, other_partner, joint, as_user):
    message = services.message_post(actor=other_partner, thread=joint, body="Mine.")
    assert _patch(as_user(partner), _message_url(message), {"body": "Yours."}).status_code == 403


def test_a_message_under_another_thread_s_id_is_404(partner, joint, sams_private, as_user):
    message = services.message_post(actor=partner, thread=joint, body="Here.")
    url = f"/api/v1/threads/{sams_private.pk}/messages/{message.pk}/"
    assert _patch(as_user(partner), url, {"body": "There."}).status_code == 404


def test_the_author_deletes_within_five_minutes(partner, joint, as_user):
    message = services.message_post(actor=partner, thread=joint, body="Oops.")
    client = as_user(partner)
    assert client.delete(_message_url(message)).status_code == 204
    shown = next(m for m in client.get(_messages_url(joint)).json()["results"] if m["id"] == message.pk)
    assert (shown["body"], shown["deleted_at"] is not None) == ("", True)


def test_a_delete_after_five_minutes_is_403(partner, joint, as_user):
    message = services.message_post(actor=partner, thread=joint, body="Old.")
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=6))
    assert as_user(partner).delete(_message_url(message)).status_code == 403
    assert Message.objects.get(pk=message.pk).deleted_at is None


# --- paging -----------------------------------------------------------------------------------------------


def _grow(thread, author, count):
    now = timezone.now()
    return Message.objects.bulk_create(
        [
            Message(thread=thread, author=author, body=f"m{i}", created_at=now + timedelta(seconds=i))
            for i in range(count)
        ]
    )


def test_the_cursor_walks_the_thread_newest_first(counselor, joint, as_user):
    _grow(joint, counselor, 4)
    client = as_user(counselor)
    seen, url = [], _messages_url(joint) + "?limit=2"
    while url:
        body = client.get(url).json()
        seen += [m["id"] for m in body["results"]]
        url = f"{_messages_url(joint)}?limit=2&before={body['next']}" if body["next"] else None
    assert seen == list(
        Message.objects.filter(thread=joint).order_by("-created_at", "-id").values_list("pk", flat=True)
    )
    assert len(seen) == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [("before=not-a-cursor", "before"), ("limit=0", "limit"), ("limit=101", "limit"), ("limit=%C2%B2", "limit")],
)
def test_a_bad_cursor_or_limit_is_a_400_naming_it(counselor, joint, as_user, query, field):
    response = as_user(counselor).get(f"{_messages_url(joint)}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_cursor_past_any_id_answers_the_older_messages_not_an_error(counselor, joint, as_user):
    cursor = Cursor(created_at=timezone.now() + timedelta(days=1), id=10**20).encode()
    response = as_user(counselor).get(f"{_messages_url(joint)}?before={cursor}")
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["results"]] == [joint.messages.get().pk]


@pytest.mark.parametrize("viewer", ["counselor", "partner"])
def test_a_page_of_messages_costs_the_same_for_10_and_300_messages(request, viewer, joint, counselor, as_user):
    client = as_user(request.getfixturevalue(viewer))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(_messages_url(joint)).status_code == 200
        return len(captured.captured_queries)

    for message in _grow(joint, counselor, 10)[::3]:
        Attachment.objects.create(
            message=message,
            file=f"messages/x/{message.pk}",
            original_name="a.png",
            content_type="image/png",
            size=1,
            sha256="0" * 64,
        )
    few = queries()
    _grow(joint, counselor, 290)
    assert queries() == few


# --- attachments ------------------------------------------------------------------------------------------


def test_a_photo_posted_as_multipart_downloads_byte_identical(
    partner, other_partner, joint, as_user, upload, png_bytes
):
    response = as_user(partner).post(
        _messages_url(joint), {"body": "Us.", "files": [upload("us.png", png_bytes, "image/png")]}
    )
    assert response.status_code == 201, response.content
    (listed,) = response.json()["attachments"]
    assert (listed["content_type"], listed["size"]) == ("image/png", len(png_bytes))
    attachment = Attachment.objects.get(pk=listed["id"])
    assert listed["url"] == f"/messages/attachments/{attachment.pk}/"  # the page's download, which checks the policy
    download = as_user(other_partner).get(_attachment_url(attachment))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == png_bytes
    assert (download["Content-Type"], download["X-Content-Type-Options"]) == ("image/png", "nosniff")
    assert "no-store" in download["Cache-Control"]
    assert download["Content-Disposition"].startswith("inline")


def test_a_pdf_comes_as_a_download(partner, counselor, joint, as_user, upload, pdf_bytes):
    message = services.message_post(actor=partner, thread=joint, body="", files=[upload("form.pdf", pdf_bytes)])
    download = as_user(counselor).get(_attachment_url(message.attachments.get()))
    assert (download["Content-Type"], download["Content-Disposition"].split(";")[0]) == (
        "application/pdf",
        "attachment",
    )
    assert b"".join(download.streaming_content) == pdf_bytes


def test_a_staff_download_is_audited(partner, counselor, joint, as_user, upload, pdf_bytes):
    message = services.message_post(actor=partner, thread=joint, body="", files=[upload("form.pdf", pdf_bytes)])
    attachment = message.attachments.get()
    as_user(counselor).get(_attachment_url(attachment))
    as_user(partner).get(_attachment_url(attachment))
    event = AuditEvent.objects.get(action=AuditAction.ATTACHMENT_DOWNLOADED)
    assert (event.actor, event.target_id, event.details["view"]) == (counselor, str(attachment.pk), "api")


def test_a_deleted_message_s_file_is_404(partner, joint, as_user, upload, png_bytes):
    attachment = _with_photo(joint, partner, upload, png_bytes)
    services.message_delete(actor=partner, message=attachment.message)
    assert as_user(partner).get(_attachment_url(attachment)).status_code == 404


def test_a_file_under_another_message_s_id_is_404(partner, joint, as_user, upload, png_bytes):
    attachment = _with_photo(joint, partner, upload, png_bytes)
    other = services.message_post(actor=partner, thread=joint, body="Another.")
    url = f"/api/v1/threads/{joint.pk}/messages/{other.pk}/attachments/{attachment.pk}/"
    assert as_user(partner).get(url).status_code == 404


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("report.pdf", "exe", "“report.pdf” is not a photo"),
        ("big.png", "big", "“big.png” is larger than 10 MB"),
        ("empty.pdf", "empty", "“empty.pdf” is empty"),
    ],
)
def test_a_refused_file_is_a_400_naming_files_and_nothing_is_saved(
    partner, joint, as_user, upload, exe_bytes, png_bytes, stored_files, name, content, words
):
    data = {"exe": exe_bytes, "big": png_bytes + b"\x00" * (11 * 1024 * 1024), "empty": b""}[content]
    before = Message.objects.count()
    response = as_user(partner).post(_messages_url(joint), {"body": "See attached.", "files": [upload(name, data)]})
    assert response.status_code == 400
    assert list(response.json()) == ["files"]
    assert words in " ".join(response.json()["files"])
    assert (Message.objects.count(), Attachment.objects.count(), stored_files()) == (before, 0, [])
