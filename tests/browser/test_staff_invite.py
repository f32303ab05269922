"""A practice admin invites a counselor, who sets a password and turns on
two-factor sign-in before reaching anything else, in a real browser at 375
and 1280 px.

Alex (the front desk) logs in with a password and a TOTP code, opens Staff,
invites Morgan Blake to the Edmonds office; Morgan opens the link in the
e-mail, chooses a password, is asked for it again by the two-factor set-up,
reads the secret shown on the page, enters the code it gives and lands on
their home (the caseload). Screenshots are kept."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, totp_code

pytestmark = pytest.mark.browser

LINK = re.compile(r"/invitations/accept/[^/\s]+/")
NEW_PASSWORD = "a long and unusual passphrase 42"


def _submit(page, label: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=label, exact=True).click()


def _fits(page, width: int, what: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{what} scrolls sideways at {width} px: {scroll} px wide"


@pytest.mark.parametrize("width", [375, 1280])
def test_an_admin_invites_a_counselor_who_sets_a_password_and_two_factor_then_lands_home(
    width, open_page, live_server, practice_admin, edmonds, screenshots_dir
):
    def shot(page, name: str) -> None:
        page.screenshot(path=str(screenshots_dir / f"staff-invite-{name}-{width}.png"), full_page=True)

    # Alex logs in with the second factor and opens Staff from the navigation.
    admin = open_page(width, 800).page
    admin.goto(f"{live_server.url}/accounts/login/")
    admin.fill("#id_login", practice_admin.email)
    admin.fill("#id_password", DEFAULT_PASSWORD)
    _submit(admin, "Log in")
    admin.fill("input[name=code]", totp_code(practice_admin.totp_secret))
    _submit(admin, "Sign in")
    assert admin.locator(f"#site-nav a[href='{reverse('staff_list')}']").count() == 1
    admin.goto(f"{live_server.url}{reverse('staff_list')}")
    with admin.expect_navigation():
        admin.get_by_role("link", name="Invite a counselor").click()
    email = f"morgan.{width}@practice.test"
    admin.fill("#id_full_name", "Morgan Blake")
    admin.fill("#id_email", email)
    admin.get_by_label("Edmonds").check()
    _fits(admin, width, "the invite form")
    shot(admin, "form")
    mail.outbox.clear()
    _submit(admin, "Send the invitation")
    assert admin.url.endswith(reverse("staff_list"))
    row = admin.locator("tbody tr", has_text="Morgan Blake")
    assert "Invited" in row.inner_text() and email in row.inner_text() and "Edmonds" in row.inner_text()
    _fits(admin, width, "the staff list")
    shot(admin, "list")

    # Morgan opens the e-mailed link in their own browser and chooses a password.
    (message,) = [m for m in mail.outbox if m.to == [email]]
    link = LINK.search(message.body).group(0)
    counselor = open_page(width, 800).page
    counselor.goto(f"{live_server.url}{link}")
    assert "Welcome, Morgan" in counselor.inner_text("h1")
    counselor.fill("#id_password1", NEW_PASSWORD)
    counselor.fill("#id_password2", NEW_PASSWORD)
    _submit(counselor, "Set password and continue")

    # Nothing opens before two-factor is on: allauth first asks for the password again.
    if reverse("account_reauthenticate") in counselor.url:
        counselor.fill("input[name=password]", NEW_PASSWORD)
        _submit(counselor, "Confirm")
    assert counselor.url.endswith(reverse("mfa_activate_totp")), counselor.url
    counselor.goto(f"{live_server.url}{reverse('calendar')}")
    assert counselor.url.endswith(reverse("mfa_activate_totp")), "a page opened before two-factor was on"
    secret = counselor.input_value("#authenticator_secret")
    assert secret
    _fits(counselor, width, "the two-factor set-up")
    shot(counselor, "two-factor")
    counselor.fill("input[name=code]", totp_code(secret))
    _submit(counselor, "Activate")

    # Then the portal is theirs: the site's root is their caseload.
    counselor.goto(f"{live_server.url}/")
    assert counselor.url.endswith(reverse("progress_dashboard")), counselor.url
    _fits(counselor, width, "the counselor's home")
    shot(counselor, "home")
    morgan = User.objects.get(email=email)
    assert morgan.has_usable_password() and morgan.is_active
