"""Shared by the exercise pages: an object looked up in the viewer's scope,
or 404 (a guess at an id learns nothing)."""

from __future__ import annotations

from typing import Any

from django.http import Http404


def get_or_404(queryset: Any, pk: Any) -> Any:
    try:
        return queryset.get(pk=int(pk))
    except (queryset.model.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
