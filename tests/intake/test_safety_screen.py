"""The private safety check-in: each partner answers alone; only the
counselor reads it; an answer that indicates risk raises a flag (no content)."""

from __future__ import annotations

from exercises.builtin_intake import SAFETY_SCREEN_SLUG
from portal import policy

SAFE = {"feel_safe": "yes", "afraid": "never", "hurt": "no", "speak_openly": "comfortable"}


def _flagged(user) -> bool:
    user.refresh_from_db()
    safety = getattr(user, "safety", None)
    return bool(safety and safety.has_unreviewed_flag)


def test_an_answer_indicating_risk_raises_the_partners_flag(packet, partner, answer):
    answer(partner, packet, SAFETY_SCREEN_SLUG, {**SAFE, "afraid": "sometimes"})

    assert _flagged(partner)


def test_a_ticked_controlling_behaviour_raises_the_flag(packet, partner, answer):
    answer(partner, packet, SAFETY_SCREEN_SLUG, {**SAFE, "control": ["money"]})

    assert _flagged(partner)


def test_safe_answers_raise_no_flag(packet, partner, answer):
    answer(partner, packet, SAFETY_SCREEN_SLUG, SAFE)

    assert not _flagged(partner)


def test_the_flag_is_the_answering_partners_only(packet, partner, other_partner, answer):
    answer(partner, packet, SAFETY_SCREEN_SLUG, {**SAFE, "hurt": "yes"})

    assert not _flagged(other_partner)


def test_the_raised_flag_carries_no_answer_in_its_audit_row(packet, partner, answer):
    from accounts.models import AuditEvent

    answer(partner, packet, SAFETY_SCREEN_SLUG, {**SAFE, "for_counselor": "He took my keys."})

    details = list(AuditEvent.objects.filter(action__startswith="risk_flag").values_list("details", flat=True))
    assert "He took my keys." not in str(details)


def test_the_other_partner_cannot_read_the_check_in(packet, partner, other_partner, answer):
    response = answer(partner, packet, SAFETY_SCREEN_SLUG, SAFE)
    answer(other_partner, packet, SAFETY_SCREEN_SLUG, SAFE)

    assert not policy.can_view_response(other_partner, response)


def test_the_practice_admin_cannot_read_the_check_in(packet, partner, practice_admin, answer):
    response = answer(partner, packet, SAFETY_SCREEN_SLUG, SAFE)

    assert not policy.can_view_response(practice_admin, response)


def test_the_counselor_reads_the_check_in(packet, partner, counselor, answer):
    response = answer(partner, packet, SAFETY_SCREEN_SLUG, SAFE)

    assert policy.can_view_response(counselor, response)


def test_the_other_partner_is_not_told_the_check_in_was_answered(packet, partner, other_partner, answer):
    from notifications.models import Reminder, ReminderKind

    answer(partner, packet, SAFETY_SCREEN_SLUG, SAFE)

    assert not Reminder.objects.filter(recipient=other_partner, kind=ReminderKind.PARTNER_FINISHED).exists()
