"""Public scheduling pages, no login: the offices, the counselor directory and a
counselor's profile with its "Schedule with ..." request form (rate limited,
with a honeypot for bots)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal.errors import submit_form
from portal.http import client_ip
from scheduling import selectors, services
from scheduling.forms import DirectoryFilterForm, IntakeRequestForm
from scheduling.views.common import week_rows

# New-client requests from one address: enough for a family sharing a
# connection, too few for a spammer.
INTAKE_RATE_LIMIT = 5
INTAKE_RATE_WINDOW_SECONDS = 60 * 60

INTAKE_THANKS = (
    "Thank you — your request is with our front desk. We will reply by e-mail or phone within two business days."
)


@login_not_required
def office_list(request: HttpRequest) -> HttpResponse:
    locations = list(selectors.locations_with_hours())
    rows = [(location, week_rows(location)) for location in locations]
    return render(request, "scheduling/office_list.html", {"rows": rows})


@login_not_required
def office_detail(request: HttpRequest, slug: str) -> HttpResponse:
    location = get_object_or_404(selectors.locations_with_hours(), slug=slug)
    counselors = selectors.counselors_directory(location=location)
    context = {"location": location, "hours": week_rows(location), "counselors": counselors}
    return render(request, "scheduling/office_detail.html", context)


@login_not_required
def counselor_directory(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "location": form.cleaned_data["location"],
            "specialty": form.cleaned_data["specialty"],
            "online": True if form.cleaned_data["online"] else None,
        }
    counselors = selectors.counselors_directory(**filters)
    return render(request, "scheduling/counselor_directory.html", {"form": form, "counselors": counselors})


def _intake_rate_key(request: HttpRequest) -> str:
    return f"scheduling:intake-request:{client_ip(request)}"


def intake_rate_limited(request: HttpRequest) -> bool:
    """Count this submission; True once the address has sent more than the limit this hour.

    Counted before the form is read, so parallel submissions cannot all slip
    under the limit; one that turns out to hold a mistake gives its count back
    (intake_rate_refund), so a person fixing a typo is not locked out.
    Shared with the API's intake endpoint: one limit, whichever way a request comes in.
    """
    key = _intake_rate_key(request)
    cache.add(key, 0, timeout=INTAKE_RATE_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=INTAKE_RATE_WINDOW_SECONDS)
        count = 1
    return count > INTAKE_RATE_LIMIT


def intake_rate_refund(request: HttpRequest) -> None:
    """Give back the count of a submission that was not a valid request."""
    with contextlib.suppress(ValueError):  # the window ended meanwhile: nothing to give back
        cache.decr(_intake_rate_key(request))


@login_not_required
def counselor_profile(request: HttpRequest, slug: str) -> HttpResponse:
    profile = selectors.counselor_profile_public(slug)
    form = IntakeRequestForm(request.POST or None, locations=profile.locations.all())
    status = 200
    if request.method == "POST":
        if intake_rate_limited(request):
            form.is_valid()
            form.add_error(None, "Too many requests from your connection. Please call us, or try again in an hour.")
            status = 429
        elif form.is_spam:
            # Say nothing to the bot that it was caught.
            messages.success(request, INTAKE_THANKS)
            return redirect("counselor_profile", slug=profile.slug)
        elif form.is_valid():
            data = form.cleaned_data
            intake = submit_form(
                form,
                lambda: services.intake_request_create(
                    counselor=profile.user,
                    preferred_location=data["preferred_location"],
                    prefers_online=data["prefers_online"],
                    specialty=data["specialty"],
                    preferred_times=data["preferred_times"],
                    names=data["names"],
                    email=data["email"],
                    phone=data["phone"],
                    note=data["note"],
                ),
            )
            if intake is not None:
                messages.success(request, INTAKE_THANKS)
                return redirect("counselor_profile", slug=profile.slug)
            intake_rate_refund(request)
            status = 400
        else:
            intake_rate_refund(request)
            status = 400
    context = {"profile": profile, "form": form}
    return render(request, "scheduling/counselor_profile.html", context, status=status)
