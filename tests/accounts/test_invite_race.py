from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from accounts import services
from accounts.models import Couple, User
from tests.factories import CounselorFactory


@pytest.mark.django_db(transaction=True)
def test_two_counselors_inviting_the_same_new_address_at_once_make_one_couple_and_one_clear_error():
    counselors = [CounselorFactory(), CounselorFactory()]
    barrier = Barrier(2)

    def invite(index: int) -> str:
        try:
            barrier.wait(timeout=30)
            services.couple_invite(
                invited_by=counselors[index],
                partner_one=services.PartnerDetails("Sky Shared", "sky@example.test"),
                partner_two=services.PartnerDetails(f"Other {index}", f"other{index}@example.test"),
            )
            return "created"
        except ValidationError as exc:
            return " ".join(exc.message_dict.keys())
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = sorted(pool.map(invite, range(2)))

    assert outcomes == ["created", "partner_one_email"]
    assert Couple.objects.count() == 1
    assert User.objects.filter(email="sky@example.test").count() == 1
