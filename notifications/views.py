"""Pages: the notifications behind the bell, preferences, failed reminders
for practice admins, and the one-click unsubscribe link from e-mails."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts.languages import language_for
from accounts.models import User
from notifications import appointments, emails, selectors, services
from notifications.forms import PreferencesForm
from notifications.models import Reminder, ReminderKind
from portal import policy
from portal.http import AuthenticatedHttpRequest


def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def mark_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One notification (``id``) or, without one, all of them. Following a
    notification's link marks it read too (``next``)."""
    raw_id = request.POST.get("id")
    ids = None
    if raw_id is not None:
        # Someone else's notification, or none at all: 404, not a redirect as if it were done.
        if not raw_id.isdigit() or not selectors.notifications_for(request.user).filter(pk=int(raw_id)).exists():
            raise Http404
        ids = [int(raw_id)]
    services.notifications_mark_read(user=request.user, notification_ids=ids)
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect("notifications:list")


def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    current = selectors.preference_for(user)
    form = PreferencesForm(request.POST or None, instance=current, initial={"time_zone": user.time_zone}, user=user)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in services.PREFERENCE_FIELDS if name in form.fields}
        try:
            services.preferences_update(user=user, time_zone=form.cleaned_data["time_zone"], **changes)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, gettext("Your notification settings are saved."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form}, status=400 if form.errors else 200)


def _require_manager(request: AuthenticatedHttpRequest) -> None:
    if not policy.can_manage_reminders(request.user):
        raise Http404("No such page.")


def failed_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_manager(request)
    page = Paginator(selectors.failed_reminders(), 50).get_page(request.GET.get("page"))
    return render(request, "notifications/failed.html", {"page": page})


@require_POST
def failed_resend(request: AuthenticatedHttpRequest, reminder_id: int) -> HttpResponse:
    _require_manager(request)
    reminder = get_object_or_404(Reminder, pk=reminder_id)
    if services.reminder_resend(reminder=reminder, actor=request.user):
        messages.success(request, gettext("The reminder will be sent again within a minute."))
    else:
        messages.info(request, gettext("That reminder is no longer failed."))
    return redirect("notifications:failed")


@login_not_required
@csrf_exempt  # RFC 8058: the mail provider POSTs here with no cookie; the signed token is the authority
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirm button (link scanners follow GETs: they must not
    unsubscribe anyone); POST, from that button or the mail client's one-click
    (body ``List-Unsubscribe=One-Click``), unsubscribes."""
    claims = emails.unsubscribe_claims(token)
    user = User.objects.filter(pk=claims[0], is_active=True).first() if claims else None
    if claims is None or user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    kind = claims[1]
    context = {"kind_label": ReminderKind(kind).label, "email": user.email, "token": token}
    # The page speaks the language the e-mail was written in (no one is logged in).
    with translation.override(language_for(user, request=request)):
        if request.method == "POST":
            services.preferences_unsubscribe(user=user, kind=kind)
            return render(request, "notifications/unsubscribe_done.html", context)
        return render(request, "notifications/unsubscribe.html", context)


@login_not_required
@csrf_exempt  # no session: the signed token is the authority, as for unsubscribe
@require_http_methods(["GET", "POST"])
def attend(request: HttpRequest, token: str) -> HttpResponse:
    """The "I will be there" link of an appointment reminder, without login.

    GET shows the appointment and one button; the POST it makes records the
    confirmation (mail scanners follow GET links, and must not confirm for
    the client)."""
    try:
        appointment, user = appointments.attendance_from_token(token)
    except appointments.AttendanceInvalid as exc:
        return render(request, "notifications/attend_invalid.html", {"reason": str(exc)}, status=400)
    local = appointment.start.astimezone(ZoneInfo(user.time_zone))
    context = {"appointment": appointment, "local_start": local, "token": token, "done": False}
    if request.method == "POST":
        appointment = appointments.attendance_confirm(token=token)
        context["done"] = True
    # The page speaks the language the reminder was written in (no one is logged in).
    with translation.override(language_for(user, request=request)):
        context["when"] = emails.format_when(local)
        return render(request, "notifications/attend.html", context)
