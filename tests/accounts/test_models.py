"""The rules about couples that the database and the services enforce."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import services
from accounts.models import Couple, CoupleStatus
from tests.factories import ClientFactory, CoupleFactory


def details(user):
    return services.PartnerDetails(user.full_name, user.email)


def test_database_refuses_a_couple_of_one_person(counselor):
    alone = ClientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Couple.objects.create(partner_one=alone, partner_two=alone, primary_counselor=counselor)


def test_database_refuses_a_partner_one_in_two_open_couples(couple, counselor):
    with pytest.raises(IntegrityError), transaction.atomic():
        CoupleFactory(partner_one=couple.partner_one, primary_counselor=counselor)


def test_database_refuses_a_partner_two_in_two_open_couples(couple, counselor):
    with pytest.raises(IntegrityError), transaction.atomic():
        CoupleFactory(partner_two=couple.partner_two, primary_counselor=counselor)


def test_database_refuses_a_partner_in_a_paused_and_an_active_couple(couple, counselor):
    services.couple_set_status(couple=couple, status=CoupleStatus.PAUSED, actor=counselor)
    with pytest.raises(IntegrityError), transaction.atomic():
        CoupleFactory(partner_one=couple.partner_one, primary_counselor=counselor)


def test_invite_refuses_partner_two_of_an_open_couple_as_partner_one_of_another(couple, counselor):
    with pytest.raises(ValidationError) as refused:
        services.couple_invite(
            invited_by=counselor, partner_one=details(couple.partner_two), partner_two=details(ClientFactory.build())
        )
    assert "partner_one_email" in refused.value.message_dict
    assert Couple.objects.count() == 1


def test_closing_a_couple_frees_its_partners_for_a_new_couple(couple, counselor):
    services.couple_set_status(couple=couple, status=CoupleStatus.CLOSED, actor=counselor)
    new = services.couple_invite(
        invited_by=counselor, partner_one=details(couple.partner_two), partner_two=details(couple.partner_one)
    )
    assert new.status == CoupleStatus.ACTIVE
    assert set(new.partners) == set(couple.partners)


def test_reopening_a_closed_couple_is_refused_while_a_partner_is_in_another(couple, counselor):
    services.couple_set_status(couple=couple, status=CoupleStatus.CLOSED, actor=counselor)
    services.couple_invite(
        invited_by=counselor, partner_one=details(ClientFactory.build()), partner_two=details(couple.partner_one)
    )
    with pytest.raises(ValidationError) as refused:
        services.couple_set_status(couple=couple, status=CoupleStatus.ACTIVE, actor=counselor)
    assert "status" in refused.value.message_dict
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.CLOSED
