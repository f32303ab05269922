"""Who sees answers: a couple's high-conflict setting (no sharing between
partners), and the audit of every reading of someone else's answer."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext

from accounts.models import AuditAction, Couple, User
from accounts.services import audit_record, audit_record_many
from exercises.models import Assignment, CoupleExerciseSettings, Response
from portal import policy
from portal.errors import require


@transaction.atomic
def couple_set_high_conflict(*, couple: Couple, counselor: User, high_conflict: bool) -> CoupleExerciseSettings:
    """Turn cross-partner sharing of answers off (or back on) for a couple."""
    require(policy.can_manage_assignments(counselor, couple), gettext("Only the couple's counselors change this."))
    settings_row, _ = CoupleExerciseSettings.objects.update_or_create(
        couple=couple, defaults={"high_conflict": high_conflict, "updated_by": counselor}
    )
    audit_record(
        actor=counselor, action=AuditAction.COUPLE_HIGH_CONFLICT_SET, target=couple, high_conflict=high_conflict
    )
    # Readers of couple.exercise_settings in this request must see the change.
    couple.exercise_settings = settings_row
    return settings_row


def _is_own(viewer: User, response: Response) -> bool:
    if response.author_id is None:
        couple = response.occurrence.assignment.couple
        return viewer.pk in (couple.partner_one_id, couple.partner_two_id)
    return response.author_id == viewer.pk


def _access_details(response: Response, with_versions: bool) -> dict[str, Any]:
    details: dict[str, Any] = {"occurrence": response.occurrence_id, "version": response.version}
    if with_versions:
        # Which earlier versions were shown too: their numbers, never their content.
        details["earlier_versions"] = [version.version for version in response.versions.all()]
    return details


def responses_record_access(*, viewer: User, responses: Iterable[Response], with_versions: bool = False) -> None:
    """Audit that ``viewer`` opened these answers (one insert for all).

    Called by every page and endpoint that shows answer content. A partner
    reading their own (or their joint) answer is not recorded; anyone else,
    counselor or the other partner, is. ``with_versions``: the earlier
    versions (prefetch ``versions``) were shown as well, and are named."""
    audit_record_many(
        actor=viewer,
        action=AuditAction.RESPONSE_VIEWED,
        targets=[
            (response, _access_details(response, with_versions))
            for response in responses
            if not _is_own(viewer, response)
        ],
    )


def rituals_record_access(*, viewer: User, assignments: Iterable[Assignment]) -> None:
    """Audit that ``viewer`` saw the ritual summary of these practice
    assignments (which partner logged that it happened): one row per
    assignment, one insert for all. Ids only, never the logs."""
    audit_record_many(
        actor=viewer,
        action=AuditAction.RITUAL_SUMMARY_VIEWED,
        targets=[(assignment, {"couple": assignment.couple_id}) for assignment in assignments],
    )


def response_open(*, viewer: User, response: Response) -> Response:
    """The answer, if ``viewer`` may read it (else 404, as elsewhere), with the
    access recorded."""
    if not policy.can_view_response(viewer, response):
        raise Http404(gettext("No such answer."))
    responses_record_access(viewer=viewer, responses=[response])
    return response
