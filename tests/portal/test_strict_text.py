"""A text field of the API refuses a number or a boolean instead of storing
it as text (the schema says text)."""

import pytest
from rest_framework import serializers


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


@pytest.mark.parametrize("value", [42, 4.2, True, ["a"], {"a": 1}])
def test_a_text_field_refuses_what_is_not_text(value):
    serializer = NoteSerializer(data={"note": value})
    assert not serializer.is_valid()
    assert serializer.errors["note"] == ["Not a valid string."]


def test_a_text_field_takes_text():
    serializer = NoteSerializer(data={"note": "Mornings suit us"})
    assert serializer.is_valid()
    assert serializer.validated_data["note"] == "Mornings suit us"


def test_a_json_number_for_a_reason_is_a_400_naming_the_field(db, couple, client):
    client.force_login(couple.partner_one)
    response = client.patch("/api/v1/me/", {"full_name": 12345}, content_type="application/json")
    assert response.status_code == 400
    assert "full_name" in response.json()
