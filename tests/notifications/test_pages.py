"""The bell, the notifications list, preferences, the failed-reminders page,
the Django admin, and the one-click unsubscribe link."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from notifications import emails
from notifications.context_processors import bell
from notifications.models import InAppNotification, NotificationPreference, Reminder, ReminderKind, ReminderState

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(partner):
    return [
        InAppNotification.objects.create(user=partner, kind=ReminderKind.EXERCISE_DUE_SOON, text=f"Note {n}", url="/")
        for n in range(3)
    ]


@pytest.fixture
def failed(live_occurrence, partner, make_reminder):
    return make_reminder(
        live_occurrence, partner, state=ReminderState.FAILED, attempts=6, last_error="550 no such user"
    )


def test_the_bell_counts_unread_notifications(partner, notes, django_assert_num_queries):
    request = RequestFactory().get("/")
    request.user = partner
    context = bell(request)
    InAppNotification.objects.filter(pk=notes[0].pk).update(read_at=timezone.now())
    with django_assert_num_queries(1):
        html = render_to_string("notifications/_bell.html", context, request=request)
    assert '<span class="badge bell-count">2<' in html
    assert reverse("notifications:list") in html
    anonymous = RequestFactory().get("/")
    anonymous.user = AnonymousUser()
    assert bell(anonymous) == {}


def test_the_bell_shows_no_count_when_all_is_read(partner):
    request = RequestFactory().get("/")
    request.user = partner
    assert "bell-count" not in render_to_string("notifications/_bell.html", bell(request), request=request)


def test_list_and_mark_as_read(as_user, partner, other_partner, notes):
    theirs = InAppNotification.objects.create(user=other_partner, kind=ReminderKind.EXERCISE_OVERDUE, text="Theirs")
    client = as_user(partner)
    page = client.get(reverse("notifications:list"))
    assert page.status_code == 200
    assert "Note 2" in page.content.decode() and "Theirs" not in page.content.decode()
    client.post(reverse("notifications:mark_read"), {"id": notes[0].pk})
    assert InAppNotification.objects.filter(user=partner, read_at__isnull=True).count() == 2
    client.post(reverse("notifications:mark_read"), {"id": theirs.pk})  # not theirs to mark
    assert InAppNotification.objects.get(pk=theirs.pk).read_at is None
    response = client.post(reverse("notifications:mark_read"))
    assert response.status_code == 302
    assert InAppNotification.objects.filter(user=partner, read_at__isnull=True).count() == 0


def test_preferences_page_saves_choices_and_quiet_hours(as_user, partner):
    client = as_user(partner)
    assert client.get(reverse("notifications:preferences")).status_code == 200
    response = client.post(
        reverse("notifications:preferences"),
        {
            "email_exercise_due_soon": "on",
            "email_partner_finished": "on",
            "partner_finished": "",
            "quiet_start": "22:30",
            "quiet_end": "07:00",
            "time_zone": "America/New_York",
        },
    )
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=partner)
    assert pref.email_exercise_due_soon and not pref.email_exercise_overdue and not pref.partner_finished
    assert pref.email_weekly_digest  # not a client's choice: untouched
    assert (pref.quiet_start.hour, pref.quiet_start.minute, pref.quiet_end.hour) == (22, 30, 7)
    partner.refresh_from_db()
    assert partner.time_zone == "America/New_York"


def _checked_boxes_and_values(html: str) -> dict[str, str]:
    """What a browser posts back from the page unchanged: checked boxes, times, the selected zone."""
    posted = {name: "on" for name in re.findall(r'<input type="checkbox" name="(\w+)"[^>]*checked', html)}
    posted.update(dict(re.findall(r'<input type="time" name="(\w+)" value="([^"]*)"', html)))
    posted["time_zone"] = "America/Los_Angeles"
    return posted


def test_saving_the_preferences_page_unchanged_keeps_appointment_reminders_on(as_user, partner):
    client = as_user(partner)
    html = client.get(reverse("notifications:preferences")).content.decode()
    assert client.post(reverse("notifications:preferences"), _checked_boxes_and_values(html)).status_code == 302
    pref = NotificationPreference.objects.get(user=partner)
    assert pref.email_appointment_reminder and pref.email_appointment_changed


def test_staff_are_offered_request_e_mails_and_not_exercise_reminders(as_user, counselor):
    html = as_user(counselor).get(reverse("notifications:preferences")).content.decode()
    assert 'name="email_appointment_requested"' in html and 'name="email_intake_requested"' in html
    assert 'name="email_exercise_due_soon"' not in html and 'name="email_exercise_overdue"' not in html


def test_failed_reminders_page_is_for_practice_admins(as_user, practice_admin, counselor, partner, failed):
    assert as_user(counselor).get(reverse("notifications:failed")).status_code == 404
    assert as_user(partner).get(reverse("notifications:failed")).status_code == 404
    assert as_user(partner).post(reverse("notifications:resend", args=[failed.pk])).status_code == 404
    admin = as_user(practice_admin)
    page = admin.get(reverse("notifications:failed"))
    assert page.status_code == 200 and partner.email in page.content.decode() and "550" in page.content.decode()
    assert admin.post(reverse("notifications:resend", args=[failed.pk])).status_code == 302
    failed.refresh_from_db()
    assert failed.state == ReminderState.PENDING and failed.attempts == 0
    assert AuditEvent.objects.filter(action="reminder.resent", target_id=str(failed.pk)).exists()


@pytest.fixture
def superuser(db):
    from accounts.models import User

    return User.objects.create_superuser("root@practice.test", "correct horse battery staple")


def test_django_admin_lists_filters_searches_and_resends(superuser, failed, partner):
    client = Client()
    client.force_login(superuser, backend="django.contrib.auth.backends.ModelBackend")
    from tests.factories import enable_totp

    enable_totp(superuser)
    changelist = reverse("admin:notifications_reminder_changelist")
    assert client.get(changelist, {"state": "failed", "q": partner.email}).status_code == 200
    for model in ("notificationpreference", "inappnotification"):
        assert client.get(reverse(f"admin:notifications_{model}_changelist")).status_code == 200
    response = client.post(changelist, {"action": "resend", "_selected_action": [failed.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.state == ReminderState.PENDING


def test_unsubscribe_needs_no_login_and_get_only_asks(partner):
    url = emails.unsubscribe_url(user_id=partner.pk, kind=ReminderKind.EXERCISE_OVERDUE).split("testserver")[-1]
    path = url.replace("http://localhost:8000", "")
    page = Client().get(path)
    assert page.status_code == 200 and "Unsubscribe" in page.content.decode()
    assert not NotificationPreference.objects.filter(user=partner).exists()  # a GET changes nothing


def test_the_unsubscribe_link_is_the_path_its_route_gives_for_the_token(partner, settings):
    url = emails.unsubscribe_url(user_id=partner.pk, kind=ReminderKind.WEEKLY_DIGEST)
    token = emails.unsubscribe_token(user_id=partner.pk, kind=ReminderKind.WEEKLY_DIGEST)
    assert url == settings.PORTAL_BASE_URL + reverse("notifications:unsubscribe", args=[token])


def test_one_click_unsubscribe_is_a_post_without_csrf_or_login(partner, live_occurrence, make_reminder):
    pending = make_reminder(live_occurrence, partner)
    path = emails.unsubscribe_url(user_id=partner.pk, kind=ReminderKind.EXERCISE_OVERDUE).replace(
        "http://localhost:8000", ""
    )
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    pref = NotificationPreference.objects.get(user=partner)
    assert not pref.email_exercise_overdue  # only this kind
    assert pref.email_exercise_due_soon and pref.email_partner_finished
    # Still pending: it reaches the bell, but sends no e-mail.
    assert Reminder.objects.get(pk=pending.pk).state == ReminderState.PENDING


def test_unsubscribe_only_for_its_own_user(partner, other_partner):
    path = emails.unsubscribe_url(user_id=partner.pk, kind=ReminderKind.EXERCISE_DUE_SOON).replace(
        "http://localhost:8000", ""
    )
    Client().post(path)
    assert not NotificationPreference.objects.filter(user=other_partner).exists()


@pytest.mark.parametrize("tamper", ["swap_user", "swap_kind", "garbage"])
def test_a_tampered_link_is_refused(partner, other_partner, tamper):
    token = emails.unsubscribe_token(user_id=partner.pk, kind=ReminderKind.EXERCISE_DUE_SOON)
    if tamper == "swap_user":
        # Another user's payload under this link's signature.
        theirs = emails.unsubscribe_token(user_id=other_partner.pk, kind=ReminderKind.EXERCISE_DUE_SOON)
        token = theirs.split(":", 1)[0] + ":" + token.split(":", 1)[1]
    elif tamper == "swap_kind":
        token = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    else:
        token = "not-a-token"
    path = reverse("notifications:unsubscribe", args=[token])
    assert Client().get(path).status_code == 400
    assert Client().post(path).status_code == 400
    assert not NotificationPreference.objects.exists()
