"""A partner's safety state: safety mode and the safety screen's flag.
Only the counselors of the couple's caseload see or change it."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import UNREVIEWED_RISK_FLAG, AuditAction, AuditEvent, Invitation, PartnerSafety
from portal import policy
from tests.factories import CounselorFactory

pytestmark = pytest.mark.django_db


def test_the_couples_counselor_switches_safety_mode_on(personas):
    safety = services.safety_mode_set(actor=personas.counselor, partner=personas.partner, on=True)

    assert safety.safety_mode is True
    assert safety.safety_mode_changed_by == personas.counselor
    assert policy.in_safety_mode(personas.partner)


def test_a_secondary_counselor_of_the_couple_may_switch_it(personas):
    helper = CounselorFactory()
    personas.couple.other_counselors.add(helper)

    assert services.safety_mode_set(actor=helper, partner=personas.partner, on=True).safety_mode


def test_switching_safety_mode_is_audited_with_the_new_state_only(personas):
    safety = services.safety_mode_set(actor=personas.counselor, partner=personas.partner, on=True)

    event = AuditEvent.objects.get(action=AuditAction.SAFETY_MODE_CHANGED)
    assert (event.actor, event.target_id, event.details) == (personas.counselor, str(safety.pk), {"on": True})


def test_another_counselor_is_told_the_partner_does_not_exist(personas):
    with pytest.raises(Http404):
        services.safety_mode_set(actor=personas.other_counselor, partner=personas.partner, on=True)
    assert not PartnerSafety.objects.exists()


def test_the_practice_admin_sees_the_couple_but_may_not_switch_safety_mode(personas):
    with pytest.raises(PermissionDenied):
        services.safety_mode_set(actor=personas.admin, partner=personas.partner, on=True)
    assert not PartnerSafety.objects.exists()


def test_a_partner_may_not_switch_safety_mode(personas):
    for actor in (personas.partner, personas.other_partner):
        with pytest.raises(PermissionDenied):
            services.safety_mode_set(actor=actor, partner=personas.partner, on=True)
    assert not PartnerSafety.objects.exists()


def test_a_client_of_another_couple_is_told_nothing(personas):
    with pytest.raises(Http404):
        services.safety_mode_set(actor=personas.other_couple.partner_one, partner=personas.partner, on=True)


def test_no_row_means_no_safety_mode(personas):
    assert policy.in_safety_mode(personas.partner) is False


def test_safety_mode_switched_off_again(personas):
    services.safety_mode_set(actor=personas.counselor, partner=personas.partner, on=True)
    services.safety_mode_set(actor=personas.counselor, partner=personas.partner, on=False)

    assert PartnerSafety.objects.get(user=personas.partner).safety_mode is False
    assert AuditEvent.objects.filter(action=AuditAction.SAFETY_MODE_CHANGED).count() == 2


def test_staff_are_never_in_safety_mode(personas, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not policy.in_safety_mode(personas.counselor)
        assert not policy.in_safety_mode(personas.admin)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("counselor", True), ("other_counselor", False), ("admin", False), ("partner", False), ("other_partner", False)],
)
def test_who_manages_safety_and_sees_the_flag(personas, who, allowed):
    user = getattr(personas, who)

    assert policy.can_manage_safety(user, personas.couple) is allowed
    assert policy.can_see_risk_flag(user, personas.couple) is allowed


def test_an_inactive_counselor_does_not_manage_safety(personas):
    personas.counselor.is_active = False

    assert not policy.can_manage_safety(personas.counselor, personas.couple)


def test_raising_the_flag_is_audited_without_an_actor_or_content(personas):
    safety = services.risk_flag_raise(partner=personas.partner)

    assert safety.has_unreviewed_flag
    event = AuditEvent.objects.get(action=AuditAction.RISK_FLAG_RAISED)
    assert (event.actor, event.target_id, event.details) == (None, str(personas.partner.pk), {})


def test_raising_an_unreviewed_flag_again_changes_nothing(personas):
    first = services.risk_flag_raise(partner=personas.partner)
    again = services.risk_flag_raise(partner=personas.partner, now=first.risk_flagged_at + timedelta(hours=1))

    assert again.risk_flagged_at == first.risk_flagged_at
    assert AuditEvent.objects.filter(action=AuditAction.RISK_FLAG_RAISED).count() == 1


def test_the_counselor_marks_the_flag_reviewed(personas):
    services.risk_flag_raise(partner=personas.partner)

    safety = services.risk_flag_review(actor=personas.counselor, partner=personas.partner)

    assert not safety.has_unreviewed_flag
    assert safety.risk_reviewed_by == personas.counselor
    assert AuditEvent.objects.filter(action=AuditAction.RISK_FLAG_REVIEWED, actor=personas.counselor).exists()


def test_a_flag_raised_after_a_review_needs_attention_again(personas):
    services.risk_flag_raise(partner=personas.partner)
    services.risk_flag_review(actor=personas.counselor, partner=personas.partner)

    safety = services.risk_flag_raise(partner=personas.partner, now=timezone.now() + timedelta(days=1))

    assert safety.has_unreviewed_flag
    assert PartnerSafety.objects.filter(UNREVIEWED_RISK_FLAG, user=personas.partner).exists()


def test_a_flag_raised_again_within_the_reviews_instant_still_counts(personas):
    services.risk_flag_raise(partner=personas.partner)
    reviewed = services.risk_flag_review(actor=personas.counselor, partner=personas.partner)

    assert services.risk_flag_raise(partner=personas.partner, now=reviewed.risk_reviewed_at).has_unreviewed_flag


@pytest.mark.parametrize("who", ["other_counselor", "admin", "partner"])
def test_only_the_counselor_marks_the_flag_reviewed(personas, who):
    services.risk_flag_raise(partner=personas.partner)

    with pytest.raises((Http404, PermissionDenied)):
        services.risk_flag_review(actor=getattr(personas, who), partner=personas.partner)
    assert PartnerSafety.objects.get(user=personas.partner).has_unreviewed_flag


def test_a_review_without_a_flag_is_refused_by_the_database(personas):
    with pytest.raises(IntegrityError):
        PartnerSafety.objects.create(user=personas.partner, risk_reviewed_at=timezone.now())


def test_only_clients_are_screened(personas):
    with pytest.raises(ValueError):
        services.risk_flag_raise(partner=personas.counselor)


# Pages: the couple's page, the quick-exit button, the e-mails.


def couple_page(as_user, user, couple):
    return as_user(user).get(reverse("couple_detail", args=[couple.pk]))


def test_the_counselor_sees_the_switch_and_an_unreviewed_flag(personas, as_user):
    services.risk_flag_raise(partner=personas.partner)

    page = couple_page(as_user, personas.counselor, personas.couple).content.decode()

    assert "Safety screen: needs your attention" in page
    assert page.count("Turn safety mode on") == 2
    assert reverse("partner_risk_flag_review", args=[personas.couple.pk, personas.partner.pk]) in page


def test_the_practice_admin_never_sees_the_flag_or_the_switch(personas, as_user):
    services.risk_flag_raise(partner=personas.partner)

    page = couple_page(as_user, personas.admin, personas.couple).content.decode()

    assert "Safety screen" not in page and "safety mode" not in page.lower()


def test_a_partner_never_sees_the_flag_or_the_switch(personas, as_user):
    services.risk_flag_raise(partner=personas.partner)

    for user in (personas.partner, personas.other_partner):
        response = couple_page(as_user, user, personas.couple)
        assert "Safety screen" not in response.content.decode()
        assert "Turn safety mode" not in response.content.decode()


def test_the_counselor_switches_safety_mode_on_from_the_page(personas, as_user):
    url = reverse("partner_safety_mode", args=[personas.couple.pk, personas.partner.pk])

    response = as_user(personas.counselor).post(url, {"on": "1"})

    assert response.status_code == 302
    assert PartnerSafety.objects.get(user=personas.partner).safety_mode


def test_the_switch_without_on_is_a_bad_request_naming_it(personas, as_user):
    url = reverse("partner_safety_mode", args=[personas.couple.pk, personas.partner.pk])

    response = as_user(personas.counselor).post(url, {})

    assert response.status_code == 400 and b"on" in response.content
    assert not PartnerSafety.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("other_counselor", 404), ("admin", 403), ("partner", 403)])
def test_others_cannot_switch_safety_mode_from_the_page(personas, as_user, who, status):
    url = reverse("partner_safety_mode", args=[personas.couple.pk, personas.partner.pk])

    response = as_user(getattr(personas, who)).post(url, {"on": "1"})

    assert response.status_code == status
    assert not PartnerSafety.objects.exists()


def test_a_user_who_is_not_a_partner_of_the_couple_is_a_404(personas, as_user):
    url = reverse("partner_safety_mode", args=[personas.couple.pk, personas.other_couple.partner_one.pk])

    assert as_user(personas.counselor).post(url, {"on": "1"}).status_code == 404


def test_the_counselor_marks_the_flag_reviewed_from_the_page(personas, as_user):
    services.risk_flag_raise(partner=personas.partner)
    url = reverse("partner_risk_flag_review", args=[personas.couple.pk, personas.partner.pk])

    assert as_user(personas.counselor).post(url).status_code == 302

    assert (
        "Safety screen: needs your attention"
        not in couple_page(as_user, personas.counselor, personas.couple).content.decode()
    )


def test_every_page_of_a_partner_in_safety_mode_has_the_quick_exit(personas, as_user, settings):
    services.safety_mode_set(actor=personas.counselor, partner=personas.partner, on=True)

    page = as_user(personas.partner).get(reverse("profile")).content.decode()

    assert f'<a class="quick-exit" href="{settings.SAFETY_EXIT_URL}"' in page and ">Quick exit</a>" in page
    assert "js/quick-exit" in page
    assert settings.PRACTICE_NAME not in page


def test_the_other_partner_has_no_quick_exit(personas, as_user, settings):
    services.safety_mode_set(actor=personas.counselor, partner=personas.partner, on=True)

    page = as_user(personas.other_partner).get(reverse("profile")).content.decode()

    assert "data-quick-exit" not in page and settings.PRACTICE_NAME in page


def test_staff_have_no_quick_exit(personas, as_user):
    assert "data-quick-exit" not in couple_page(as_user, personas.counselor, personas.couple).content.decode()


def test_the_quick_exit_script_replaces_the_history_entry():
    script = (Path(__file__).resolve().parents[2] / "static" / "js" / "quick-exit.js").read_text()

    assert "location.replace(" in script and '"Escape"' in script


def test_a_resent_invitation_to_a_partner_in_safety_mode_is_neutral(
    personas, settings, mailoutbox, django_capture_on_commit_callbacks
):
    invitation = Invitation.objects.create(couple=personas.couple, user=personas.partner, invited_by=personas.counselor)
    services.safety_mode_set(actor=personas.counselor, partner=personas.partner, on=True)

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation, actor=personas.counselor)

    (message,) = mailoutbox
    text = message.message().as_string() + message.body + message.alternatives[0][0]
    assert message.subject == services.SAFETY_NOTICE_SUBJECT
    assert settings.PRACTICE_NAME not in text
    assert parseaddr(message.message()["From"])[0] == "Client portal"


def test_a_password_reset_for_a_partner_in_safety_mode_is_neutral_with_its_link(personas, settings, mailoutbox):
    services.safety_mode_set(actor=personas.counselor, partner=personas.partner, on=True)

    Client().post(reverse("account_reset_password"), {"email": personas.partner.email})

    (message,) = mailoutbox
    text = message.message().as_string() + message.body + message.alternatives[0][0]
    assert message.subject == services.SAFETY_NOTICE_SUBJECT
    assert settings.PRACTICE_NAME not in text
    assert "/accounts/password/reset/key/" in message.body
