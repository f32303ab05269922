"""What the API does with input its schema says it does not take: a 400
naming the parameter or field, never a quietly ignored filter or a 500."""

import pytest
from django.test import Client

from scheduling.models import IntakeRequest


@pytest.mark.parametrize("value", ["maybe", "-757", "yes please"])
def test_a_yes_no_filter_refuses_what_is_not_yes_or_no(db, counselor, value):
    client = Client()
    client.force_login(counselor)
    response = client.get("/api/v1/exercises/", {"is_builtin": value})
    assert response.status_code == 400
    assert "is_builtin" in response.json()


def test_a_yes_no_filter_left_empty_means_any(db, counselor):
    client = Client()
    client.force_login(counselor)
    assert client.get("/api/v1/exercises/", {"is_builtin": ""}).status_code == 200


def test_the_directory_s_online_filter_refuses_what_is_not_yes_or_no(db, couple, dana):
    client = Client()
    client.force_login(couple.partner_one)
    response = client.get("/api/v1/counselors/", {"online": "-757"})
    assert response.status_code == 400
    assert "online" in response.json()


def test_an_impossible_time_is_a_400_naming_start(db, couple, dana, edmonds):
    client = Client()
    client.force_login(couple.partner_one)
    body = {"counselor": dana.pk, "location": edmonds.pk, "start": "2027-01-05T12:99:00Z"}
    response = client.post("/api/v1/appointments/", body, content_type="application/json")
    assert response.status_code == 400
    assert "start" in response.json()


def test_a_robot_filling_the_honeypot_gets_the_answer_anyone_gets_and_nothing_is_saved(db, dana):
    body = {"counselor": dana.pk, "names": "Jamie Moore", "email": "jamie@example.test", "website": "spam"}
    response = Client().post("/api/v1/intake-requests/", body, content_type="application/json")
    real = Client().post("/api/v1/intake-requests/", {**body, "website": ""}, content_type="application/json").json()
    assert response.status_code == 201
    assert set(response.json()) == set(real)
    assert isinstance(response.json()["id"], int)
    assert IntakeRequest.objects.count() == 1


def test_a_robot_filling_the_honeypot_with_a_bad_address_is_refused_like_anyone(db, dana):
    body = {"counselor": dana.pk, "names": "Jamie Moore", "email": "not an address", "website": "spam"}
    response = Client().post("/api/v1/intake-requests/", body, content_type="application/json")
    assert response.status_code == 400
    assert "email" in response.json()


@pytest.mark.parametrize("page", ["last", "two", "", "-1"])
def test_a_page_that_is_not_a_number_is_not_found(db, counselor, page):
    client = Client()
    client.force_login(counselor)
    response = client.get("/api/v1/exercises/", {"page": page})
    assert response.status_code == 404


def test_a_query_parameter_given_twice_is_a_400_naming_it(db, counselor):
    client = Client()
    client.force_login(counselor)
    response = client.get("/api/v1/dashboard/?attention=true&attention=false")
    assert response.status_code == 400
    assert response.json() == {"attention": ["Give this parameter once."]}


@pytest.mark.parametrize("value", [0, 1, 2.5, [True]])
def test_a_yes_no_field_refuses_a_number(db, counselor, value):
    client = Client()
    client.force_login(counselor)
    response = client.post("/api/v1/exercises/", {"is_archived": value}, content_type="application/json")
    assert response.status_code == 400
    assert "is_archived" in response.json()


def test_a_built_in_exercise_has_no_owner_and_the_schema_says_it_may_not(db, counselor):
    client = Client()
    client.force_login(counselor)
    builtin = client.get("/api/v1/exercises/", {"is_builtin": "true"}).json()["results"][0]
    assert builtin["owner"] is None
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["schemas"]["Template"]["properties"]["owner"].get("nullable") is True
