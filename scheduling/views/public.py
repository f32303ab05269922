"""Public scheduling pages, no login: the offices (cards, today's hours and
"open now" at each office, the map drawn by the portal), the counselor
directory, a counselor's profile and photo, and the new-client request forms
(a counselor's "Schedule with ..." and the general "Request an appointment";
rate limited, with a honeypot for bots)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from portal.errors import submit_form
from portal.http import client_ip
from scheduling import selectors, services
from scheduling.forms import DirectoryFilterForm, IntakeRequestForm
from scheduling.models import Location
from scheduling.public_display import OfficeMap, OfficeToday, map_places, office_today, project
from scheduling.public_forms import AppointmentRequestForm
from scheduling.views.common import week_rows

# New-client requests from one address: enough for a family sharing a
# connection, too few for a spammer.
INTAKE_RATE_LIMIT = 5
INTAKE_RATE_WINDOW_SECONDS = 60 * 60

INTAKE_THANKS = gettext_lazy(
    "Thank you — your request is with our front desk. We will reply by e-mail or phone within two business days."
)


@dataclass(frozen=True)
class OfficeCard:
    """An office on the offices page: its day at the office and its number on the map (None: not on it)."""

    location: Location
    today: OfficeToday
    map_number: int | None


def _office_cards(locations: list[Location], now: datetime) -> tuple[list[OfficeCard], OfficeMap]:
    places = map_places((place.name, place.slug, place.latitude, place.longitude) for place in locations)
    numbers = {place.slug: place.number for place in places}
    cards = [
        OfficeCard(
            location,
            office_today(opening_hours_of(location), location.tz, now),
            numbers.get(location.slug),
        )
        for location in locations
    ]
    return cards, project(places)


def opening_hours_of(location: Location) -> list[tuple[int, time, time]]:
    """From the prefetched opening hours: no query."""
    return [(hours.weekday, hours.opens, hours.closes) for hours in location.opening_hours.all()]


@login_not_required
def office_list(request: HttpRequest) -> HttpResponse:
    rows, office_map = _office_cards(list(selectors.locations_with_hours()), timezone.now())
    return render(request, "scheduling/office_list.html", {"rows": rows, "office_map": office_map})


@login_not_required
def office_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Every active office is read (two queries, as for one) because the page's
    # small map shows this office among the others.
    cards, office_map = _office_cards(list(selectors.locations_with_hours()), timezone.now())
    card = next((card for card in cards if card.location.slug == slug), None)
    if card is None:
        raise Http404("No such office.")
    location = card.location
    context = {
        "location": location,
        "card": card,
        "hours": week_rows(location),
        "counselors": selectors.counselors_directory(location=location),
        "office_map": office_map,
    }
    return render(request, "scheduling/office_detail.html", context)


@login_not_required
def counselor_photo(request: HttpRequest, slug: str) -> FileResponse:
    """A listed counselor's photo, read through the default storage (local disk
    or object store alike); 404 when there is none or the counselor is not listed."""
    name = selectors.counselor_photo_public(slug)
    try:
        handle = default_storage.open(name, "rb")
    except OSError:  # the row names a file the store no longer has
        raise Http404("No photo.") from None
    response = FileResponse(handle, content_type="image/jpeg", filename="photo.jpg")
    # Public and small; an hour keeps a changed or withdrawn photo from lingering long.
    response["Cache-Control"] = "public, max-age=3600"
    return response


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


def _intake_post(request: HttpRequest, form: IntakeRequestForm, counselor_of: Callable[[dict[str, Any]], Any]) -> int:
    """Take a posted new-client request: 0 when it was sent (or a bot was
    quietly dropped), else the status to show the form again with."""
    if intake_rate_limited(request):
        form.is_valid()
        form.add_error(
            None, gettext("Too many requests from your connection. Please call us, or try again in an hour.")
        )
        return 429
    if form.is_spam:
        return 0  # say nothing to the bot that it was caught
    if form.is_valid():
        data = form.cleaned_data
        intake = submit_form(
            form,
            lambda: services.intake_request_create(
                counselor=counselor_of(data),
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
            return 0
    intake_rate_refund(request)
    return 400


@login_not_required
def counselor_profile(request: HttpRequest, slug: str) -> HttpResponse:
    profile = selectors.counselor_profile_public(slug)
    form = IntakeRequestForm(request.POST or None, locations=profile.locations.all())
    status = 200
    if request.method == "POST":
        status = _intake_post(request, form, lambda data: profile.user)
        if status == 0:
            messages.success(request, INTAKE_THANKS)
            return redirect("counselor_profile", slug=profile.slug)
    context = {"profile": profile, "form": form}
    return render(request, "scheduling/counselor_profile.html", context, status=status)


@login_not_required
def request_appointment(request: HttpRequest) -> HttpResponse:
    """A new client's request to the practice, with a counselor in mind or not."""
    form = AppointmentRequestForm(
        request.POST or None,
        initial={"counselor": request.GET.get("counselor", "")},
        locations=selectors.locations_active(),
        counselors=selectors.counselors_taking_new_clients(),
    )
    status = 200
    if request.method == "POST":
        status = _intake_post(request, form, lambda data: data["counselor"].user if data.get("counselor") else None)
        if status == 0:
            return redirect("request_appointment_sent")
    return render(request, "public/request_appointment.html", {"form": form}, status=status)


@login_not_required
def request_appointment_sent(request: HttpRequest) -> HttpResponse:
    """The confirmation: what happens next, with nothing of what was written."""
    return render(request, "public/request_appointment_sent.html")
