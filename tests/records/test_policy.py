"""policy.can_export_record and policy.record_couples agree on who may export
whose record, for each persona."""

from __future__ import annotations

import pytest

from portal import policy

pytestmark = pytest.mark.django_db

ALLOWED = {
    ("partner", "partner"): True,
    ("other_partner", "partner"): False,
    ("counselor", "partner"): True,
    ("other_counselor", "partner"): False,
    ("practice_admin", "partner"): True,
    ("counselor", "counselor"): False,  # staff have no record here
}


@pytest.mark.parametrize(("actor", "subject"), list(ALLOWED))
def test_can_export_record_and_record_couples_agree(actor, subject, couple, request):
    actor_user, subject_user = request.getfixturevalue(actor), request.getfixturevalue(subject)
    expected = ALLOWED[(actor, subject)]
    assert policy.can_export_record(actor_user, subject_user, couple) is expected
    assert list(policy.record_couples(actor_user, subject_user)) == ([couple] if expected else [])


def test_a_deactivated_counselor_exports_nothing(counselor, partner, couple):
    counselor.is_active = False
    counselor.save()
    assert not policy.can_export_record(counselor, partner, couple)
    assert not policy.record_couples(counselor, partner).exists()


def test_a_counselor_exports_only_the_couples_of_their_caseload(counselor, other_counselor, partner, couple):
    from accounts.models import CoupleStatus
    from tests.factories import ClientFactory, CoupleFactory

    couple.status = CoupleStatus.CLOSED
    couple.save()
    later = CoupleFactory(partner_one=partner, partner_two=ClientFactory(), primary_counselor=other_counselor)
    assert list(policy.record_couples(counselor, partner)) == [couple]
    assert list(policy.record_couples(other_counselor, partner)) == [later]
    assert {c.pk for c in policy.record_couples(partner, partner)} == {couple.pk, later.pk}


def test_only_clients_are_offered_their_own_record(partner, counselor, practice_admin):
    assert policy.can_download_own_record(partner)
    assert not policy.can_download_own_record(counselor)
    assert not policy.can_download_own_record(practice_admin)
