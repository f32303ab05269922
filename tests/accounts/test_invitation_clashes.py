"""Inviting an address answers the same whoever it belongs to: a new address,
a client of another counselor's couple, a staff account. A clash is held for
the front desk, never told to the inviter."""

import pytest

from accounts.models import AuditEvent, Couple, HeldInvitation, Invitation

# The clashes first: they create nothing, so the second partner is still new
# when the new address is invited.
KINDS = ["other_couples_client", "staff", "new"]


@pytest.fixture
def address_of(other_couple, other_counselor):
    return {
        "new": "casey@example.test",
        "other_couples_client": other_couple.partner_one.email,
        "staff": other_counselor.email,
    }


@pytest.fixture
def invite_data(counselor):
    def data(email):
        return {
            "partner_one_name": "Casey Morgan",
            "partner_one_email": email,
            "partner_two_name": "Jordan Morgan",
            "partner_two_email": "jordan@example.test",
            "primary_counselor": counselor.pk,
            "time_zone": "America/Los_Angeles",
        }

    return data


def page_answer(client, data):
    response = client.post("/couples/invite/", data, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    return response.status_code, response.redirect_chain, messages


def api_answer(client, data):
    response = client.post("/api/v1/invitations/", data, content_type="application/json")
    return response.status_code, response.json()


def test_the_invite_page_answers_the_same_whoever_the_address_belongs_to(counselor, as_user, invite_data, address_of):
    answers = {kind: page_answer(as_user(counselor), invite_data(address_of[kind])) for kind in KINDS}
    assert answers["new"] == answers["other_couples_client"] == answers["staff"]


@pytest.mark.parametrize("kind", ["other_couples_client", "staff"])
def test_the_invite_api_answers_a_clash_as_it_answers_a_new_address(kind, counselor, as_user, invite_data, address_of):
    clash = api_answer(as_user(counselor), invite_data(address_of[kind]))
    new = api_answer(as_user(counselor), invite_data(address_of["new"]))
    assert clash == new


@pytest.mark.parametrize("kind", ["other_couples_client", "staff"])
def test_a_clash_creates_no_couple_and_mails_no_one(
    kind, counselor, as_user, invite_data, address_of, mailoutbox, django_capture_on_commit_callbacks
):
    couples = Couple.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        as_user(counselor).post("/couples/invite/", invite_data(address_of[kind]))
    assert Couple.objects.count() == couples
    assert not Invitation.objects.filter(user__email=address_of[kind]).exists()
    assert mailoutbox == []


def test_a_clash_is_held_for_the_front_desk_with_an_audit_row(counselor, as_user, invite_data, other_counselor):
    as_user(counselor).post("/couples/invite/", invite_data(other_counselor.email))
    held = HeldInvitation.objects.get()
    assert (held.partner_one_email, held.reason, held.invited_by) == (other_counselor.email, "staff_address", counselor)
    assert AuditEvent.objects.filter(action="invitation.held", target_id=str(held.pk), actor=counselor).exists()


def test_the_front_desk_sees_held_invitations(counselor, practice_admin, as_user, invite_data, other_couple):
    as_user(counselor).post("/couples/invite/", invite_data(other_couple.partner_one.email))
    response = as_user(practice_admin).get("/couples/held/")
    assert response.status_code == 200
    assert other_couple.partner_one.email in response.content.decode()


def test_a_counselor_gets_404_from_the_held_invitations_page(counselor, as_user):
    assert as_user(counselor).get("/couples/held/").status_code == 404


def test_the_front_desk_marks_a_held_invitation_sorted_out(
    counselor, practice_admin, as_user, invite_data, other_counselor
):
    as_user(counselor).post("/couples/invite/", invite_data(other_counselor.email))
    held = HeldInvitation.objects.get()
    response = as_user(practice_admin).post(f"/couples/held/{held.pk}/resolve/")
    assert response.status_code == 302
    held.refresh_from_db()
    assert (held.resolved_by, held.resolved_at is not None) == (practice_admin, True)


def test_a_counselor_cannot_resolve_a_held_invitation(counselor, as_user, invite_data, other_counselor):
    as_user(counselor).post("/couples/invite/", invite_data(other_counselor.email))
    held = HeldInvitation.objects.get()
    assert as_user(counselor).post(f"/couples/held/{held.pk}/resolve/").status_code == 404
