"""Private calendar feeds: the settings page that turns a user's feed on, gives
it a new address or turns it off, and the feeds themselves (no login: the
secret address is the key), a user's own and, for admins, one per location."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.languages import override_for
from accounts.models import User
from portal import policy
from portal.http import AuthenticatedHttpRequest
from scheduling import ical, selectors, services
from scheduling.models import Appointment, Location

FEED_PAST_DAYS = 90


def feed_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "enable":
            services.calendar_feed_enable(user=user)
            messages.success(request, gettext("Your calendar feed is on. Add its address to your calendar app."))
        elif action == "regenerate":
            services.calendar_feed_regenerate(user=user)
            messages.success(request, gettext("Your feed has a new address; the old one no longer works."))
        elif action == "revoke":
            services.calendar_feed_revoke(user=user)
            messages.success(request, gettext("Your calendar feed is turned off."))
        return redirect("feed_settings")
    feed = selectors.calendar_feed_of(user)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token])) if feed else ""
    location_feeds = []
    if feed is not None and policy.is_practice_admin(user):
        location_feeds = [
            (place, request.build_absolute_uri(reverse("location_feed", args=[feed.token, place.slug])))
            for place in selectors.locations_active()
        ]
    context = {"feed": feed, "feed_url": feed_url, "location_feeds": location_feeds}
    return render(request, "scheduling/feed_settings.html", context)


def _feed_response(
    appointments: QuerySet[Appointment], *, viewer: User, location: Location | None = None, with_exercises: bool = False
) -> HttpResponse:
    """The feed, written in its owner's language (accounts.languages), whoever fetches it."""
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    exercises_due = selectors.exercises_due_for_feed(viewer, since=since) if with_exercises else []
    with override_for(viewer):
        name = gettext("Appointments at %(place)s") % {"place": location.name} if location else gettext("Appointments")
        body = ical.calendar_bytes(
            appointments.filter(end__gte=since), viewer=viewer, name=name, exercises_due=exercises_due
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_not_required
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The owner's appointments (a counselor's own, a client's couple's, an admin's booked) and a client's exercises."""
    owner = selectors.feed_owner(token)
    appointments = selectors.appointments_for_own_feed(owner)
    # A client's feed also has their exercise due dates (titles only).
    return _feed_response(appointments, viewer=owner, with_exercises=True)


@login_not_required
def location_feed(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    owner = selectors.feed_owner(token)
    if not policy.is_practice_admin(owner):
        raise Http404
    location = get_object_or_404(Location, slug=slug)
    appointments = selectors.appointments_visible_to(owner).filter(location=location)
    return _feed_response(appointments, viewer=owner, location=location)
