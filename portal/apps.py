from typing import Any

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        from portal import checks  # noqa: F401  (registers the encryption keys' start-up check)

        _encrypted_json_as_json()
        _refuse_numbers_as_text()
        _refuse_numbers_as_yes_or_no()
        _one_date_horizon()


def _encrypted_json_as_json() -> None:
    """An encrypted JSON column (portal.crypto) is a text column to the
    database; a model serializer gives it as JSON, as it did a JSONField."""
    from rest_framework import serializers

    from portal.crypto import EncryptedJSONField

    serializers.ModelSerializer.serializer_field_mapping[EncryptedJSONField] = serializers.JSONField


def _one_date_horizon() -> None:
    """Every date and date-time field of every form, serializer and filter
    checks portal.horizon, so a new form gets it without anyone remembering.
    django-filter's date fields are Django form fields, so they inherit it."""
    from django import forms
    from rest_framework import fields as drf_fields

    from portal.horizon import validate_date

    field_classes: tuple[Any, ...] = (
        forms.DateField,
        forms.DateTimeField,
        drf_fields.DateField,
        drf_fields.DateTimeField,
    )
    for field_class in field_classes:
        if validate_date not in field_class.default_validators:
            field_class.default_validators = [*field_class.default_validators, validate_date]


def _refuse_numbers_as_text() -> None:
    """DRF's CharField turns a JSON number or boolean into text ("42"), so a
    client that sends the wrong type is answered 200 with something it did
    not mean. The API's schema says text; every text field of every
    serializer now refuses anything else with a 400 naming the field."""
    from rest_framework import serializers

    if getattr(serializers.CharField.to_internal_value, "refuses_non_text", False):
        return
    accept_text = serializers.CharField.to_internal_value

    def to_internal_value(self: serializers.CharField, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return accept_text(self, data)

    setattr(to_internal_value, "refuses_non_text", True)  # noqa: B010  (a marker, so ready() may run twice)
    setattr(serializers.CharField, "to_internal_value", to_internal_value)  # noqa: B010


def _refuse_numbers_as_yes_or_no() -> None:
    """DRF's BooleanField takes the JSON numbers 0 and 1 for false and true;
    the schema says a boolean. A number (or a list, an object) is refused;
    true and false, and the words a form sends ("true", "false"), are kept."""
    from rest_framework import serializers

    if getattr(serializers.BooleanField.to_internal_value, "refuses_numbers", False):
        return
    accept_yes_or_no = serializers.BooleanField.to_internal_value

    def to_internal_value(self: serializers.BooleanField, data: Any) -> bool:
        if not isinstance(data, bool | str):
            self.fail("invalid", input=data)
        return accept_yes_or_no(self, data)

    setattr(to_internal_value, "refuses_numbers", True)  # noqa: B010
    setattr(serializers.BooleanField, "to_internal_value", to_internal_value)  # noqa: B010
