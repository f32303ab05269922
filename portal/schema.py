"""The OpenAPI schema says what the API really answers, errors included.

drf-spectacular documents the success response an endpoint declares. Every
endpoint can also answer with the errors of portal.api.exception_handler and
of DRF itself; ``PortalAutoSchema`` adds them to each operation from what the
view is (authenticated or public, with a path id, with a body or filters,
paginated, throttled), so a new endpoint is described without anyone
remembering to. An endpoint that answers another code (409 for a booking
conflict) declares it with ``extend_schema(responses=...)`` as before.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# DRF's validation errors: each field (or non_field_errors) with its
# messages; a nested serializer's field holds an object of the same shape, a
# list field a list of them.
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"oneOf": [{"type": "array"}, {"type": "object"}, {"type": "string"}]},
    "description": (
        "The request's problems, by field name (non_field_errors for the whole request); "
        "a body that is not JSON at all is described by detail."
    ),
}
# A wall-clock time as the API writes and reads it ("20:00" or "20:00:00").
# OpenAPI's "time" format is RFC 3339's full-time, which requires an offset
# that a wall-clock time in a location's zone does not have.
WALL_CLOCK_TIME = {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$", "example": "20:00"}

ERRORS: dict[str, tuple[str, dict[str, Any]]] = {
    "400": ("The request was not valid: every problem is named with its field.", FIELD_ERRORS),
    "401": ("No valid credentials were given (a missing, wrong or expired token).", DETAIL),
    "403": (
        "Signed in, but this action is not allowed here (or two-factor authentication is not on yet).",
        DETAIL,
    ),
    "404": ("No such object within what the caller may see (the same answer as for a missing id).", DETAIL),
    "409": ("The object's state does not allow this now; detail says why.", DETAIL),
    "429": ("Too many attempts: wait the number of seconds in Retry-After.", DETAIL),
}


class PortalAutoSchema(AutoSchema):
    def _map_serializer_field(self, field: Any, direction: Any, bypass_extensions: bool = False) -> dict[str, Any]:
        schema: dict[str, Any] = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField):
            kept: dict[str, Any] = {**WALL_CLOCK_TIME}
            for key in ("readOnly", "writeOnly", "description", "title"):
                if key in schema:
                    kept[key] = schema[key]
            return kept
        if (
            isinstance(field, serializers.URLField | serializers.EmailField)
            and field.read_only
            and _blank_allowed(field)
        ):
            # DRF drops allow_blank from read-only model fields; an empty
            # value is still what the API answers when none was given.
            outer: dict[str, Any] = {
                key: schema.pop(key) for key in ("readOnly", "description", "title") if key in schema
            }
            return {**outer, "oneOf": [schema, {"type": "string", "maxLength": 0}]}
        return schema

    def _map_basic_serializer(self, serializer: Any, direction: Any) -> dict[str, Any]:
        # A serializer whose answer depends on who asks names the fields only
        # some callers get (``fields_for_some_callers``): they are described,
        # and not required.
        schema: dict[str, Any] = super()._map_basic_serializer(serializer, direction)
        some = set(getattr(serializer, "fields_for_some_callers", ()))
        if some and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in some]
        return schema

    def _get_filter_parameters(self) -> Any:
        # An empty value of a filter means "any" (django-filter ignores it):
        # the schema lists it among the choices.
        parameters = super()._get_filter_parameters()
        for parameter in parameters.values() if isinstance(parameters, dict) else parameters:
            schema = parameter.get("schema", {}) if isinstance(parameter, dict) else {}
            if "enum" in schema and "" not in schema["enum"]:
                schema["enum"] = [*schema["enum"], ""]
        return parameters

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code in self._error_codes():
            if code not in responses:
                description, schema = ERRORS[code]
                responses[code] = {"content": {"application/json": {"schema": schema}}, "description": description}
        return responses

    def _error_codes(self) -> list[str]:
        codes: list[str] = []
        public = any(isinstance(permission, AllowAny) for permission in self.view.get_permissions())
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_query = bool(
            self._get_filter_parameters()
            or self._get_pagination_parameters()
            or any(getattr(p, "location", "query") == "query" for p in self.get_override_parameters())
        )
        if has_body or has_query:
            codes.append("400")
        if not public:
            codes += ["401", "403"]
        if not public or "{" in self.path or self._get_pagination_parameters():
            # An id or a page that is not there, or anything outside the
            # caller's scope (a partner on a counselor's list reads 404).
            codes.append("404")
        if self.view.get_throttles():
            codes.append("429")
        return codes


def _blank_allowed(field: Any) -> bool:
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    try:
        return bool(model is not None and model._meta.get_field(field.source).blank)
    except (FieldDoesNotExist, AttributeError, TypeError):  # not a model field (a method, a dotted path)
        return False


def error_response(code: str) -> OpenApiResponse:
    """A standard error of ERRORS, for an endpoint that raises it in a way the
    schema cannot see (e.g. a 404 from a lookup in a body's id)."""
    description, schema = ERRORS[code]
    return OpenApiResponse(response=schema, description=description)
