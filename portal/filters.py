"""Query filters that refuse what they do not understand.

django-filter reads ``?is_builtin=maybe`` as "no filter" and answers the
whole list, so a client's typo looks like a result. The portal's filter
sets (the default for ``filterset_fields`` through PortalFilterBackend, and
the base of the hand-written ones) answer 400 naming the parameter instead.
An empty value still means "any"."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db import models
from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

TRUE_WORDS = ("true", "1")
FALSE_WORDS = ("false", "0")


class StrictBooleanField(forms.NullBooleanField):
    widget = forms.TextInput

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]  # the stubs forget None
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_WORDS:
            return True
        if text in FALSE_WORDS:
            return False
        raise forms.ValidationError(gettext("Use true or false."), code="invalid")

    def validate(self, value: Any) -> None:
        return None


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


def parse_boolean(value: str | None, *, field: str) -> bool | None:
    """A yes/no query parameter read by hand: None when absent or empty."""
    try:
        return StrictBooleanField().to_python(value)
    except forms.ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


class PortalFilterSet(django_filters.rest_framework.FilterSet):
    FILTER_DEFAULTS = {
        **django_filters.rest_framework.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }


class PortalFilterBackend(DjangoFilterBackend):
    filterset_base = PortalFilterSet
