from typing import Any

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "portal"

    def ready(self) -> None:
        _refuse_numbers_as_text()


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
