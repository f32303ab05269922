"""A client asks to close their account; the practice decides. Nothing is
deleted on the client's word: closing stops their sign-in, the records stay."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AuditAction, AuditEvent
from retention import services
from retention.models import AccountClosureRequest, ClosureState

pytestmark = pytest.mark.django_db


def test_a_client_asks_to_close_their_account(partner):
    request = services.closure_request(user=partner)

    assert (request.user, request.state) == (partner, ClosureState.OPEN)
    assert AuditEvent.objects.filter(action=AuditAction.ACCOUNT_CLOSURE_REQUESTED, actor=partner).exists()


def test_a_client_has_one_request_open_at_a_time(partner):
    services.closure_request(user=partner)

    with pytest.raises(ValidationError):
        services.closure_request(user=partner)
    assert AccountClosureRequest.objects.count() == 1


@pytest.mark.parametrize("persona", ["counselor", "practice_admin"])
def test_only_a_client_asks_to_close_their_account(request, persona):
    with pytest.raises(PermissionDenied):
        services.closure_request(user=request.getfixturevalue(persona))


def test_closing_the_account_stops_the_sign_in_and_keeps_the_records(partner, practice_admin, couple):
    asked = services.closure_request(user=partner)

    decided = services.closure_decide(actor=practice_admin, request=asked, close=True)

    partner.refresh_from_db()
    assert decided.state == ClosureState.ACCOUNT_CLOSED
    assert partner.is_active is False
    assert couple.__class__.objects.filter(pk=couple.pk).exists()


def test_keeping_the_account_open_needs_a_reply(partner, practice_admin):
    asked = services.closure_request(user=partner)

    with pytest.raises(ValidationError) as refused:
        services.closure_decide(actor=practice_admin, request=asked, close=False)
    assert "reply" in refused.value.message_dict


def test_the_account_kept_open_carries_the_practices_reply(partner, practice_admin):
    asked = services.closure_request(user=partner)

    decided = services.closure_decide(
        actor=practice_admin, request=asked, close=False, reply="Your couple still has a session booked; call us."
    )

    partner.refresh_from_db()
    assert (decided.state, partner.is_active) == (ClosureState.KEPT_OPEN, True)
    assert decided.reply.startswith("Your couple still has")


def test_a_counselor_cannot_decide(partner, counselor):
    asked = services.closure_request(user=partner)

    with pytest.raises(PermissionDenied):
        services.closure_decide(actor=counselor, request=asked, close=True)


def test_a_request_is_decided_once(partner, practice_admin):
    asked = services.closure_request(user=partner)
    services.closure_decide(actor=practice_admin, request=asked, close=False, reply="Not yet, sorry.")

    with pytest.raises(ValidationError):
        services.closure_decide(actor=practice_admin, request=asked, close=True)


def test_the_decision_is_audited(partner, practice_admin):
    asked = services.closure_request(user=partner)
    services.closure_decide(actor=practice_admin, request=asked, close=True)

    event = AuditEvent.objects.get(action=AuditAction.ACCOUNT_CLOSURE_DECIDED)
    assert (event.actor, event.details["state"]) == (practice_admin, ClosureState.ACCOUNT_CLOSED)
