"""An invited counselor joins the public directory once they have accepted
their invitation (set a password), not the day the admin invites them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation
from tests.factories import PracticeAdminFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dana_invited(dana):
    return Invitation.objects.create(user=dana, couple=None, invited_by=PracticeAdminFactory())


def test_an_invited_counselor_is_not_in_the_directory_nor_has_a_public_profile(dana_invited):
    visitor = Client()
    assert "Dana Reyes" not in visitor.get("/counselors/").content.decode()
    assert visitor.get("/counselors/dana-reyes/").status_code == 404


def test_once_the_invitation_is_accepted_the_counselor_is_listed(dana_invited):
    Invitation.objects.filter(pk=dana_invited.pk).update(accepted_at=timezone.now())
    visitor = Client()
    assert "Dana Reyes" in visitor.get("/counselors/").content.decode()
    assert visitor.get("/counselors/dana-reyes/").status_code == 200
