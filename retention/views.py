"""Pages of retention: the practice admin's (the period, what is erased
next, what was erased, closure requests to decide) and the client's request
to close their account."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from portal import policy
from portal.errors import submit_form
from portal.http import AuthenticatedHttpRequest
from retention import selectors, services
from retention.forms import ClosureDecisionForm, RetentionForm
from retention.models import AccountClosureRequest, ClosureState, RetentionSettings


def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not policy.can_manage_retention(user):
        raise Http404("No such page.")
    settings = RetentionSettings.load()
    form = RetentionForm(request.POST or None, initial={"years": settings.years})
    if request.method == "POST" and form.is_valid():
        saved = submit_form(form, lambda: services.retention_set(actor=user, years=form.cleaned_data["years"]))
        if saved is not None:
            messages.success(
                request,
                ngettext(
                    "Clinical content is now kept %(years)d year after a couple is closed.",
                    "Clinical content is now kept %(years)d years after a couple is closed.",
                    saved.years,
                )
                % {"years": saved.years},
            )
            return redirect("retention:overview")
    years = settings.years
    upcoming = selectors.erasures_upcoming(now=timezone.now(), years=years, query=request.GET)
    context = {
        "form": form,
        "years": years,
        "page": upcoming,
        "upcoming": list(upcoming.items),
        "upcoming_days": selectors.UPCOMING_DAYS,
        "recent": selectors.erasures_recent(),
        "requests": [(r, ClosureDecisionForm(prefix=f"r{r.pk}")) for r in selectors.closure_requests_open()],
    }
    return render(request, "retention/overview.html", context, status=400 if form.errors else 200)


@require_POST
def closure_decide(request: AuthenticatedHttpRequest, request_id: int) -> HttpResponse:
    user = request.user
    if not policy.can_decide_account_closure(user):
        raise Http404("No such request.")
    closure = AccountClosureRequest.objects.filter(pk=request_id).first()
    if closure is None:
        raise Http404("No such request.")
    form = ClosureDecisionForm(request.POST, prefix=f"r{closure.pk}")
    if form.is_valid():
        decided = submit_form(
            form,
            lambda: services.closure_decide(
                actor=user,
                request=closure,
                close=form.cleaned_data["decision"] == "close",
                reply=form.cleaned_data["reply"],
            ),
        )
        if decided is not None:
            messages.success(
                request,
                gettext("%(name)s: %(decision)s.")
                % {"name": decided.user.full_name, "decision": decided.get_state_display().lower()},
            )
            return redirect("retention:overview")
    errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    messages.error(request, gettext("Nothing was decided: %(errors)s") % {"errors": errors})
    return redirect("retention:overview")


def close_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The client's page: what closing an account means, and the request."""
    user = request.user
    if not policy.can_request_account_closure(user):
        raise Http404("No such page.")
    if request.method == "POST":
        try:
            services.closure_request(user=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, gettext("Your request is with the practice. They will reply here."))
        return redirect("retention:close_account")
    context = {
        "latest": selectors.closure_request_latest(user.pk),
        "open_state": ClosureState.OPEN,
        "years": RetentionSettings.load().years,
    }
    return render(request, "retention/close_account.html", context)
