"""The practice admins' office pages: the list of every location, active or
not, the form that creates or edits one with its opening hours, and
(de)activating it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from portal.errors import add_errors_to_form
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors, services
from scheduling.forms import LocationForm, format_weekly_hours
from scheduling.models import Location
from scheduling.views.common import admin_only


def location_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The practice admin's overview of every office, active or not."""
    admin_only(request)
    locations = selectors.locations_for_admin()
    return render(request, "scheduling/location_list.html", {"locations": locations})


def location_edit(request: AuthenticatedHttpRequest, location_id: int | None = None) -> HttpResponse:
    actor = admin_only(request)
    location = get_object_or_404(Location, pk=location_id) if location_id else None
    initial = {}
    if location is not None:
        initial["opening_hours"] = format_weekly_hours(selectors.opening_hours_rows(location))
    # The form validates a copy; the services change the real row.
    form_instance = Location.objects.get(pk=location.pk) if location else None
    form = LocationForm(request.POST or None, instance=form_instance, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.LOCATION_FIELDS}
        hours = form.cleaned_data["opening_hours"]
        try:
            if location is None:
                location = services.location_create(actor=actor, fields=fields, opening_hours=hours)
            else:
                services.location_update(actor=actor, location=location, fields=fields)
                services.location_set_opening_hours(actor=actor, location=location, intervals=hours)
        except ValidationError as exc:
            add_errors_to_form(form, exc)
        else:
            messages.success(request, gettext("%(place)s is saved.") % {"place": location.name})
            return redirect("location_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "scheduling/location_form.html", {"form": form, "location": location}, status=status)


@require_POST
def location_toggle(request: AuthenticatedHttpRequest, location_id: int) -> HttpResponse:
    actor = admin_only(request)
    location = get_object_or_404(Location, pk=location_id)
    if location.is_active:
        services.location_deactivate(actor=actor, location=location)
        closed = gettext("%(place)s is deactivated: it keeps its history and takes no new bookings.")
        messages.success(request, closed % {"place": location.name})
    else:
        services.location_activate(actor=actor, location=location)
        messages.success(request, gettext("%(place)s is active again.") % {"place": location.name})
    return redirect("location_list")
