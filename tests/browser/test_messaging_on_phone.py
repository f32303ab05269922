"""Secure messaging on a 375 px phone, end to end, in a real browser.

Dana logs in (password and TOTP code) and starts a joint conversation with
Sam and Riley on /messages/new/. Riley has it open in her own browser; Sam
opens it on his phone and replies with a photo (a real PNG through the file
input). Riley's page shows Sam's message and the picture without a reload
(thread-live.js polls every 5 s). Then Dana starts a private conversation
with Sam (clients do not start conversations by default: MessagingSettings
is left as it is) and Sam answers it after the confidentiality note.
Nothing of it reaches Riley: not on her conversations list, her home, any
page she can reach by following links, nor the messaging API; her counts
do not move; its address answers 404 for her. Every page fits the phone's
width, its buttons can be tapped and the crisis note is in view;
screenshots are kept (test-artifacts/screenshots/messaging-*-375.png).
"""

from __future__ import annotations

import re
import struct
import zlib
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from messaging.models import Message, Thread, ThreadKind
from notifications.models import InAppNotification
from tests.factories import DEFAULT_PASSWORD, totp_code

pytestmark = pytest.mark.browser

PHONE = 375
LIVE_WAIT_MS = 20_000  # the page polls every 5 s
JOINT_SUBJECT = "Between sessions"
SAMS_REPLY = "Here is the plan we drew up on the fridge."
PRIVATE_SUBJECT = "A word with Sam alone"
PRIVATE_OPENING = "Sam, how are you doing on your own?"
PRIVATE_REPLY = "Honestly I am scared of how the arguments end"
HREF = re.compile(r"""href="([^"#]*)""")
# Links a crawl must not follow: logging out, and files.
NOT_FOLLOWED = ("/accounts/logout/", "/static/", "/media/", "/messages/attachments/")


def _png(width: int = 48, height: int = 32) -> bytes:
    """A small real PNG: a red and blue striped picture."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(
        b"\x00" + b"".join(b"\xd0\x20\x20" if (x // 8) % 2 else b"\x20\x40\xd0" for x in range(width))
        for _ in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Attachments are written under the test's own directory (the live server
    runs in this process, so the setting reaches it)."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def _submit(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def _counselor_logs_in(page, live_server, counselor) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", counselor.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    _submit(page, "Log in")
    assert "/accounts/2fa/authenticate/" in page.url
    page.fill("input[name=code]", totp_code(counselor.totp_secret))
    _submit(page, "Sign in")
    assert "/accounts/" not in page.url, page.url


def _partner_logs_in(recording, live_server, user) -> None:
    """Skip the login form (tests/browser/test_client_home.py covers it): a
    session made by force_login, handed to the browser as its cookie."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    recording.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def _shot(page, screenshots_dir, name: str) -> None:
    page.screenshot(path=str(screenshots_dir / f"messaging-{name}-{PHONE}.png"), full_page=True)


def _fits_a_phone(page, what: str) -> None:
    """No sideways scroll, the crisis note in view, every visible button big enough to tap and on screen."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE, f"{what} scrolls sideways on a phone: {width} px wide"
    note = page.locator(".crisis-note")
    if note.count():
        box = note.bounding_box()
        assert note.is_visible() and box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE, what
        assert "988" in note.inner_text()
    targets = (
        "main button:visible, main .button:visible, main input[type=file]:visible,"
        " main .thread-item > a, main #id_kind label"
    )
    buttons = page.locator(targets)
    for index in range(buttons.count()):
        box = buttons.nth(index).bounding_box()
        assert box is not None, what
        assert box["height"] >= 44, f"{what}: a button or link {box['height']} px high is hard to tap"
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE, f"{what}: a button or link leaves the screen"


def _no_flash(page, what: str) -> None:
    """Nothing in the flash-message strip: the page's messages are not mistaken for it."""
    assert page.locator(".messages").count() == 0, f"{what}: {page.locator('.messages').inner_text()}"


def _bell(page) -> str:
    count = page.locator(".bell-count")
    return count.inner_text() if count.count() else ""


def _reachable_pages(recording, live_server, start: str, limit: int = 80) -> dict[str, str]:
    """Every page reached from ``start`` by following the links of the pages
    (GET only, not logging out, no files), with its text."""
    request = recording.context.request
    ours = urlsplit(live_server.url).netloc
    seen: dict[str, str] = {}
    queue = [urljoin(live_server.url, start)]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        response = request.get(url)
        seen[url] = response.text() if "text/html" in response.headers.get("content-type", "") else ""
        for href in HREF.findall(seen[url]):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc == ours and not parts.path.startswith(NOT_FOLLOWED) and target not in seen:
                queue.append(target)
    return seen


def test_a_joint_conversation_goes_live_and_a_private_one_stays_private(
    open_page, live_server, counselor, couple, screenshots_dir
):
    sam, riley = couple.partner_one, couple.partner_two

    # Dana logs in with her second factor and starts a joint conversation.
    dana = open_page(PHONE, 800).page
    _counselor_logs_in(dana, live_server, counselor)
    dana.goto(f"{live_server.url}/messages/new/")
    dana.select_option("#id_couple", str(couple.pk))
    dana.get_by_label("Joint (both partners)").check()
    dana.fill("#id_subject", JOINT_SUBJECT)
    dana.fill("#id_body", "How did the listening exercise go this week?")
    _shot(dana, screenshots_dir, "new-conversation")
    _fits_a_phone(dana, "the new-conversation form")
    _submit(dana, "Start the conversation")
    joint = Thread.objects.get(couple=couple, kind=ThreadKind.JOINT)
    assert dana.url == f"{live_server.url}/messages/{joint.pk}/"

    # Riley has the conversation open in her own browser.
    riley_browser = open_page(PHONE, 800)
    _partner_logs_in(riley_browser, live_server, riley)
    rileys = riley_browser.page
    rileys.goto(f"{live_server.url}/messages/{joint.pk}/")
    assert "listening exercise" in rileys.locator(".message-list").inner_text()
    rileys.evaluate("window.stillTheSamePage = true")

    # Sam opens it from his conversations list and replies with a photo.
    sam_browser = open_page(PHONE, 800)
    _partner_logs_in(sam_browser, live_server, sam)
    sams = sam_browser.page
    sams.goto(f"{live_server.url}/messages/")
    with sams.expect_navigation():
        sams.get_by_role("link", name=JOINT_SUBJECT).click()
    assert sams.url == f"{live_server.url}/messages/{joint.pk}/"
    sams.fill("#id_body", SAMS_REPLY)
    sams.set_input_files("#id_attachments", {"name": "fridge.png", "mimeType": "image/png", "buffer": _png()})
    _fits_a_phone(sams, "the conversation with a reply written")
    _submit(sams, "Send")
    reply = Message.objects.get(thread=joint, author=sam)
    assert reply.attachments.get().content_type == "image/png"
    mine = sams.locator(f"#message-{reply.pk}")
    assert SAMS_REPLY in mine.inner_text()
    mine.locator("img.attachment-image").scroll_into_view_if_needed()
    _shot(sams, screenshots_dir, "joint-reply")
    _fits_a_phone(sams, "the conversation after the reply")
    _no_flash(sams, "the conversation after the reply")

    # Riley's page shows Sam's message and his picture without a reload.
    arrived = rileys.locator(f"#message-{reply.pk}")
    arrived.wait_for(state="attached", timeout=LIVE_WAIT_MS)
    assert SAMS_REPLY in arrived.inner_text()
    picture = arrived.locator("img.attachment-image")
    picture.scroll_into_view_if_needed()
    rileys.wait_for_function(
        "img => img.complete && img.naturalWidth === 48", arg=picture.element_handle(), timeout=LIVE_WAIT_MS
    )
    assert rileys.evaluate("window.stillTheSamePage") is True
    _shot(rileys, screenshots_dir, "joint-live")
    _fits_a_phone(rileys, "the conversation with a message that came in live")

    # What Riley has before anything private happens.
    rileys.goto(f"{live_server.url}/me/")
    bell_before = _bell(rileys)
    notices_before = InAppNotification.objects.filter(user=riley).count()

    # Dana writes to Sam alone (clients do not start conversations unless the practice says so).
    dana.goto(f"{live_server.url}/messages/new/")
    dana.select_option("#id_couple", str(couple.pk))
    dana.get_by_label("Private (one partner)").check()
    dana.select_option("#id_partner", str(sam.pk))
    dana.fill("#id_subject", PRIVATE_SUBJECT)
    dana.fill("#id_body", PRIVATE_OPENING)
    _submit(dana, "Start the conversation")
    private = Thread.objects.get(couple=couple, kind=ThreadKind.PRIVATE)
    assert private.partner == sam

    # Sam answers it, after the confidentiality note for couples work.
    sams.goto(f"{live_server.url}/messages/")
    with sams.expect_navigation():
        sams.get_by_role("link", name=PRIVATE_SUBJECT).click()
    assert "The other partner cannot see this conversation" in sams.locator("main").inner_text()
    assert sams.locator("#confidentiality-heading").is_visible()
    _shot(sams, screenshots_dir, "private-before-writing")
    _fits_a_phone(sams, "the private conversation with the confidentiality note")
    sams.fill("#id_body", PRIVATE_REPLY)
    _submit(sams, "Send")
    assert PRIVATE_REPLY in sams.locator(".message-list").inner_text()
    _shot(sams, screenshots_dir, "private-reply")
    _fits_a_phone(sams, "the private conversation")

    # Dana sees it, with who has read what.
    dana.goto(f"{live_server.url}/messages/{private.pk}/")
    assert PRIVATE_REPLY in dana.locator(".message-list").inner_text()
    _shot(dana, screenshots_dir, "counselor-private")
    _fits_a_phone(dana, "the counselor's private conversation")
    _no_flash(dana, "the counselor's private conversation")

    # Riley: one conversation on her list, the same counts, no trace anywhere she can go.
    rileys.goto(f"{live_server.url}/messages/")
    assert rileys.locator(".thread-item").count() == 1
    assert rileys.locator(".thread-item").inner_text().startswith(JOINT_SUBJECT)
    _shot(rileys, screenshots_dir, "riley-list")
    _fits_a_phone(rileys, "the conversations list")
    rileys.goto(f"{live_server.url}/me/")
    assert _bell(rileys) == bell_before
    assert InAppNotification.objects.filter(user=riley).count() == notices_before
    _shot(rileys, screenshots_dir, "riley-home")
    pages = _reachable_pages(riley_browser, live_server, "/me/")
    pages.update(_reachable_pages(riley_browser, live_server, "/messages/"))
    api = riley_browser.context.request.get(f"{live_server.url}/api/v1/threads/")
    assert api.ok
    pages[api.url] = api.text()
    assert f"{live_server.url}/messages/{joint.pk}/" in pages and f"{live_server.url}/notifications/" in pages
    for url, text in pages.items():
        for secret in (PRIVATE_SUBJECT, PRIVATE_OPENING, PRIVATE_REPLY, f"/messages/{private.pk}/"):
            assert secret not in text, f"{url} shows Riley something of Sam's private conversation"

    # Its address, and the live updates under it, answer 404 for her.
    for path in (f"/messages/{private.pk}/", f"/messages/{private.pk}/since/?after=0"):
        response = rileys.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 404, path
        assert PRIVATE_SUBJECT not in rileys.content()
