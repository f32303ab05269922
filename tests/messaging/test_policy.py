"""Who reads a thread: policy.can_view_thread and the selector (thread_scope in SQL) agree, for every persona."""

from __future__ import annotations

import pytest
from django.http import Http404

from messaging.models import Thread
from messaging.selectors import thread_for, thread_metadata_visible_to, threads_visible_to
from portal.policy import can_view_thread


def sees(user, thread) -> bool:
    by_policy = can_view_thread(user, thread)
    by_query = threads_visible_to(user).filter(pk=thread.pk).exists()
    assert by_policy == by_query, f"policy says {by_policy}, selector says {by_query}"
    return by_policy


def test_policy_and_selector_agree_for_every_persona(personas, joint, sams_private, rileys_private, other_joint):
    threads = (joint, sams_private, rileys_private, other_joint)
    expected = {
        "counselor": (True, True, True, False),
        "other_counselor": (False, False, False, True),
        "admin": (False, False, False, False),
        "partner": (True, True, False, False),
        "other_partner": (True, False, True, False),
    }
    for name, row in expected.items():
        user = getattr(personas, name)
        assert tuple(sees(user, thread) for thread in threads) == row, name


def test_jo_and_kim_see_only_their_own_couples_thread(personas, joint, other_joint):
    jo, kim = personas.other_couple.partner_one, personas.other_couple.partner_two
    assert [sees(jo, joint), sees(jo, other_joint)] == [False, True]
    assert [sees(kim, joint), sees(kim, other_joint)] == [False, True]


def test_a_second_counselor_of_the_couple_reads_its_private_threads(personas, sams_private):
    personas.couple.other_counselors.add(personas.other_counselor)
    assert sees(personas.other_counselor, Thread.objects.get(pk=sams_private.pk))


def test_an_inactive_partner_sees_nothing(partner, joint):
    partner.is_active = False
    partner.save()
    assert not sees(partner, joint)


def test_a_partner_gets_404_for_the_other_partners_private_thread(partner, rileys_private):
    with pytest.raises(Http404):
        thread_for(partner, rileys_private.pk)


def test_a_partner_gets_404_for_another_couples_thread(partner, other_joint):
    with pytest.raises(Http404):
        thread_for(partner, other_joint.pk)


def test_another_counselor_gets_404_for_a_couple_not_on_their_caseload(other_counselor, sams_private):
    with pytest.raises(Http404):
        thread_for(other_counselor, sams_private.pk)


def test_the_practice_admin_gets_no_thread_content(practice_admin, joint, sams_private):
    assert not threads_visible_to(practice_admin).exists()
    with pytest.raises(Http404):
        thread_for(practice_admin, joint.pk)


def test_the_practice_admin_counts_every_thread_as_metadata(practice_admin, joint, sams_private, other_joint):
    assert thread_metadata_visible_to(practice_admin).count() == 3


def test_the_thread_list_of_a_partner_leaves_out_the_other_partners_private_thread(
    partner, joint, sams_private, rileys_private
):
    assert set(threads_visible_to(partner).values_list("pk", flat=True)) == {joint.pk, sams_private.pk}


def test_a_malformed_thread_id_is_404(counselor):
    with pytest.raises(Http404):
        thread_for(counselor, "abc")
