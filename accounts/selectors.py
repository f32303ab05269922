"""Named queries of accounts that pages share."""

from __future__ import annotations

from accounts.models import Couple, PartnerSafety


def partner_safety_of(couple: Couple) -> dict[int, PartnerSafety]:
    """Each partner's safety state, by user id (an unsaved default for a
    partner without a row): one query. For the couple's counselors only
    (policy.can_see_risk_flag); never content."""
    ids = (couple.partner_one_id, couple.partner_two_id)
    rows = {row.user_id: row for row in PartnerSafety.objects.filter(user_id__in=ids)}
    return {pk: rows.get(pk) or PartnerSafety(user_id=pk) for pk in ids}
