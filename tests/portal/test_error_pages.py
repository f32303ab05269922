"""Errors Django answers itself are JSON under /api/ (as every API error is)
and pages elsewhere."""

import pytest


@pytest.mark.parametrize("path", ["/api/v1/no-such-thing/", "/api/v1/assignments/0.5/", "/api/v1/couples/null,null/"])
def test_an_unknown_api_address_answers_404_in_json(client, counselor, path):
    client.force_login(counselor)
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}


def test_an_unknown_page_answers_404_in_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code in (302, 404)  # anonymous visitors are first sent to log in
    assert not response["Content-Type"].startswith("application/json")


def test_an_api_post_without_its_csrf_token_answers_403_in_json(db, counselor):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(counselor)
    response = strict.post("/api/v1/couples/1/status/", {"status": "paused"})
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"


def test_an_unknown_page_is_the_portals_own_404_page(client, partner):
    client.force_login(partner)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_a_refused_page_is_the_portals_own_403_page(rf):
    from django.core.exceptions import PermissionDenied

    from portal.error_pages import permission_denied

    response = permission_denied(rf.get("/somewhere/"), PermissionDenied())
    assert response.status_code == 403
    assert "This is not something you can do here" in response.content.decode()
