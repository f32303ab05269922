"""Who sees which couple, in the pages and in the API."""

import pytest

from accounts.models import CoupleStatus, Invitation

COUPLE_FIELDS = {"id", "partners", "primary_counselor", "other_counselors", "status", "started_on", "time_zone"}
PARTNER_FIELDS = {"id", "full_name", "email", "phone"}


def api_ids(response):
    assert response.status_code == 200
    return {c["id"] for c in response.json()["results"]}


def page_ids(response):
    assert response.status_code == 200
    return {c.pk for c in response.context["couples"]}


def set_status(client, couple, status):
    return client.post(f"/api/v1/couples/{couple.pk}/status/", {"status": status}, content_type="application/json")


# Counselors


def test_counselor_gets_404_for_another_counselors_couple_page(counselor, other_couple, as_user):
    assert as_user(counselor).get(f"/couples/{other_couple.pk}/").status_code == 404


def test_counselor_gets_404_for_another_counselors_couple_in_the_api(counselor, other_couple, as_user):
    assert as_user(counselor).get(f"/api/v1/couples/{other_couple.pk}/").status_code == 404


def test_counselor_page_lists_only_their_couples(personas, as_user):
    assert page_ids(as_user(personas.counselor).get("/couples/")) == {personas.couple.pk}


def test_counselor_api_lists_only_their_couples(personas, as_user):
    assert api_ids(as_user(personas.counselor).get("/api/v1/couples/")) == {personas.couple.pk}


def test_co_counselor_sees_the_couple_in_page_and_api(personas, as_user):
    personas.other_couple.other_counselors.add(personas.counselor)
    client = as_user(personas.counselor)
    assert client.get(f"/couples/{personas.other_couple.pk}/").status_code == 200
    assert client.get(f"/api/v1/couples/{personas.other_couple.pk}/").status_code == 200
    assert api_ids(client.get("/api/v1/couples/")) == {personas.couple.pk, personas.other_couple.pk}


def test_co_counselor_is_listed_once_per_couple(personas, as_user):
    """A counselor both primary and secondary on a couple must not see it twice."""
    personas.couple.other_counselors.add(personas.counselor, personas.other_counselor)
    response = as_user(personas.counselor).get("/api/v1/couples/")
    assert [c["id"] for c in response.json()["results"]] == [personas.couple.pk]


# Partners


def test_partner_gets_404_for_another_couple_page(personas, as_user):
    assert as_user(personas.partner).get(f"/couples/{personas.other_couple.pk}/").status_code == 404


def test_partner_gets_404_for_another_couple_in_the_api(personas, as_user):
    assert as_user(personas.partner).get(f"/api/v1/couples/{personas.other_couple.pk}/").status_code == 404


def test_partner_api_lists_only_their_couple(personas, as_user):
    assert api_ids(as_user(personas.other_partner).get("/api/v1/couples/")) == {personas.couple.pk}


def test_partner_cannot_change_their_couples_status(couple, partner, as_user):
    assert set_status(as_user(partner), couple, CoupleStatus.CLOSED).status_code == 404
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.ACTIVE


# Practice admin


def test_admin_api_lists_every_couple(personas, as_user):
    assert api_ids(as_user(personas.admin).get("/api/v1/couples/")) == {personas.couple.pk, personas.other_couple.pk}


def test_admin_page_lists_every_couple(personas, as_user):
    assert page_ids(as_user(personas.admin).get("/couples/")) == {personas.couple.pk, personas.other_couple.pk}


def test_api_couple_fields_are_names_contacts_and_status_only(personas, as_user):
    (first, *_) = as_user(personas.admin).get("/api/v1/couples/").json()["results"]
    assert set(first) == COUPLE_FIELDS
    assert all(set(partner) == PARTNER_FIELDS for partner in first["partners"])


# Odd ids and bad input


@pytest.mark.parametrize("couple_id", ["abc", "0", "999999", "99999999999999999999", "-1"])
def test_api_answers_404_for_an_id_that_is_not_a_couple(counselor, as_user, couple_id):
    assert as_user(counselor).get(f"/api/v1/couples/{couple_id}/").status_code == 404


@pytest.mark.parametrize("couple_id", ["abc", "0", "999999", "99999999999999999999"])
def test_page_answers_404_for_an_id_that_is_not_a_couple(counselor, as_user, couple_id):
    assert as_user(counselor).get(f"/couples/{couple_id}/").status_code == 404


def test_bad_status_is_400_naming_status(couple, counselor, as_user):
    response = set_status(as_user(counselor), couple, "divorced")
    assert response.status_code == 400
    assert "status" in response.json()


def test_counselor_can_change_their_couples_status(couple, counselor, as_user):
    response = set_status(as_user(counselor), couple, CoupleStatus.PAUSED)
    assert response.status_code == 200
    assert response.json()["status"] == CoupleStatus.PAUSED


def test_counselor_gets_404_changing_another_counselors_couple_status(counselor, other_couple, as_user):
    assert set_status(as_user(counselor), other_couple, CoupleStatus.CLOSED).status_code == 404
    other_couple.refresh_from_db()
    assert other_couple.status == CoupleStatus.ACTIVE


def test_counselor_gets_404_changing_another_counselors_couple_status_on_the_page(counselor, other_couple, as_user):
    response = as_user(counselor).post(f"/couples/{other_couple.pk}/status/", {"status": CoupleStatus.CLOSED})
    assert response.status_code == 404
    other_couple.refresh_from_db()
    assert other_couple.status == CoupleStatus.ACTIVE


# Invitations follow their couple


@pytest.fixture
def other_invitation(other_couple, other_counselor):
    return Invitation.objects.create(couple=other_couple, user=other_couple.partner_one, invited_by=other_counselor)


def test_counselor_api_lists_only_invitations_of_their_couples(counselor, couple, other_invitation, as_user):
    mine = Invitation.objects.create(couple=couple, user=couple.partner_one, invited_by=counselor)
    response = as_user(counselor).get("/api/v1/invitations/")
    assert [i["id"] for i in response.json()["results"]] == [mine.pk]


def test_counselor_gets_404_resending_another_counselors_invitation(
    counselor, other_invitation, as_user, mailoutbox, django_capture_on_commit_callbacks
):
    client = as_user(counselor)
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/invitations/{other_invitation.pk}/resend/")
        api = client.post(f"/api/v1/invitations/{other_invitation.pk}/resend/")
    assert (page.status_code, api.status_code) == (404, 404)
    assert mailoutbox == []
