"""A practice admin gives a counselor a photo, then deactivates them, in a real
browser at 375 and 1280 px: the photo is shown shrunk on the counselor's
page, the deactivation page lists the session to come (a link to it) and the
couple to move, and once confirmed the counselor is marked deactivated.
Screenshots are kept."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, totp_code

pytestmark = pytest.mark.browser


def _submit(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def _fits(page, width: int, what: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{what} scrolls sideways at {width} px: {scroll} px wide"


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 900), (90, 140, 110)).save(out, format="JPEG")
    return out.getvalue()


@pytest.mark.parametrize("width", [375, 1280])
def test_an_admin_adds_a_photo_then_deactivates_a_counselor(
    width, open_page, live_server, settings, tmp_path, practice_admin, dana, couple, book, tuesday, screenshots_dir
):
    settings.MEDIA_ROOT = tmp_path
    session = book(tuesday, "10:00")

    def shot(page, name: str) -> None:
        page.screenshot(path=str(screenshots_dir / f"staff-{name}-{width}.png"), full_page=True)

    page = open_page(width, 800).page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_login", practice_admin.email)
    page.fill("#id_password", DEFAULT_PASSWORD)
    _submit(page, "Log in")
    page.fill("input[name=code]", totp_code(practice_admin.totp_secret))
    _submit(page, "Sign in")

    page.goto(f"{live_server.url}{reverse('staff_list')}")
    with page.expect_navigation():
        page.get_by_role("link", name="Dana Reyes").click()
    page.set_input_files("#id_photo", files=[{"name": "dana.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    _submit(page, "Upload")
    photo = page.locator("img.counselor-photo")
    photo.wait_for()
    assert page.evaluate("img => img.naturalWidth", photo.element_handle()) == 400
    _fits(page, width, "a counselor's Staff page")
    shot(page, "edit")

    with page.expect_navigation():
        page.get_by_role("link", name="Deactivate…").click()
    assert page.locator(f"a[href='{reverse('appointment_detail', args=[session.pk])}']").count() == 1
    assert page.locator(f"a[href^='{reverse('couple_reassign', args=[couple.pk])}']").count() == 1
    _fits(page, width, "the deactivation page")
    shot(page, "deactivate")
    _submit(page, "Deactivate Dana Reyes")
    assert "can no longer sign in" in page.inner_text("main")
    assert not User.objects.get(pk=dana.pk).is_active
    shot(page, "deactivated")
