"""Progress pages: the counselor's caseload dashboard (their home), a couple's
progress (counselor and couple), its CSV export and printable summary, and
the measures library."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from accounts.languages import override_for
from accounts.models import Couple, CoupleStatus, User
from portal import policy
from portal.errors import add_errors_to_form, error_dict, submit_form
from portal.http import AuthenticatedHttpRequest
from portal.paging import Page, page_number
from progress import charts, selectors, services
from progress.figures import progress_figures
from progress.forms import AssignMeasureForm, MeasureForm
from progress.models import Measure


def _counselor_only(user: User) -> None:
    if not policy.has_caseload(user):
        raise Http404


# --- Dashboard ------------------------------------------------------------------------------


def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _counselor_only(user)
    status = request.GET.get("status", "open")
    if status not in dict(selectors.STATUS_FILTERS):
        status = "open"
    query = request.GET.get("q", "").strip()
    attention_only = request.GET.get("attention") == "1"
    rows = selectors.dashboard(user, now=timezone.now(), status=status, query=query, attention_only=attention_only)
    services.dashboard_record_access(viewer=user, rows=rows)
    context = {
        "rows": rows,
        "status": status,
        "query": query,
        "attention_only": attention_only,
        "statuses": selectors.STATUS_FILTERS,
        "needing_attention": sum(1 for row in rows if row.needs_attention),
    }
    return render(request, "progress/dashboard.html", context)


# --- A couple's progress ------------------------------------------------------------------------


def _load_progress(request: AuthenticatedHttpRequest, couple_id: int) -> tuple[Couple, dict[str, Any]]:
    user = request.user
    couple = selectors.progress_couple_for(user, couple_id)
    progress = selectors.couple_progress(couple, user, now=timezone.now())
    services.progress_record_access(viewer=user, couple=couple, progress=progress)
    return couple, progress_figures(progress)


def _charts(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """Each measure's chart (both partners on one) and the rows of its table."""
    result = []
    for index, measure in enumerate(figures["measures"]):
        series = [
            charts.Series(name=p["name"], points=[(s["at"], s["score"]) for s in p["scores"]])
            for p in measure["partners"]
        ]
        rows = sorted(
            (
                {"at": s["at"], "name": p["name"], "score": s["score"], "band": s["band"]}
                for p in measure["partners"]
                for s in p["scores"]
            ),
            key=lambda row: row["at"],
        )
        svg = charts.score_chart(
            chart_id=f"chart-{index}",
            title=gettext("%(title)s: each partner's scores over time") % {"title": measure["title"]},
            series=series,
            y_min=measure["score_min"],
            y_max=measure["score_max"],
            start=figures["since"],
            end=figures["generated_at"],
        )
        result.append({"measure": measure, "svg": svg, "rows": rows, "index": index})
    return result


# The timeline's events a page at a time, newest first: the selector reads at
# most TIMELINE_LIMIT of them (one set of queries), the page shows a slice.
TIMELINE_PAGE_SIZE = 10


def _timeline_page(events: list[Any], request: AuthenticatedHttpRequest) -> Page[Any]:
    number = page_number(request.GET, "timeline")
    offset = (number - 1) * TIMELINE_PAGE_SIZE

    def query_for(n: int) -> str:
        kept = request.GET.copy()
        kept.pop("timeline", None)
        if n > 1:
            kept["timeline"] = str(n)
        return kept.urlencode()

    has_next = len(events) > offset + TIMELINE_PAGE_SIZE
    return Page(
        items=events[offset : offset + TIMELINE_PAGE_SIZE],
        number=number,
        has_next=has_next,
        previous_query=query_for(number - 1) if number > 1 else "",
        next_query=query_for(number + 1) if has_next else "",
    )


def couple_progress(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    couple, figures = _load_progress(request, couple_id)
    context = {
        "couple": couple,
        "figures": figures,
        "timeline": _timeline_page(figures["timeline"], request),
        "charts": _charts(figures),
        "is_counselor": policy.follows_both_partners(request.user),
    }
    return render(request, "progress/couple_progress.html", context)


def couple_progress_summary(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    """One printable page to prepare the couple's next session (counselors)."""
    _counselor_only(request.user)
    couple, figures = _load_progress(request, couple_id)
    row = selectors.dashboard_row(request.user, couple, now=figures["generated_at"])
    context = {
        "couple": couple,
        "figures": figures,
        "charts": _charts(figures),
        "row": row,
        "recent": figures["timeline"][:10],
        "recent_weeks": figures["completion"][-4:],
    }
    return render(request, "progress/couple_summary.html", context)


def couple_progress_csv(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    """Scores and weekly completion, one row each (counselors only)."""
    _counselor_only(request.user)
    couple, figures = _load_progress(request, couple_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="progress-couple-{couple.pk}.csv"'
    writer = csv.writer(response)
    # The headers and the kinds of row in the requester's language; the figures as they are.
    with override_for(request.user):
        writer.writerow(
            [
                pgettext("progress CSV column", "record"),
                pgettext("progress CSV column", "date"),
                pgettext("progress CSV column", "partner"),
                pgettext("progress CSV column", "measure"),
                pgettext("progress CSV column", "score"),
                pgettext("progress CSV column", "band"),
                pgettext("progress CSV column", "due"),
                pgettext("progress CSV column", "done"),
                pgettext("progress CSV column", "completion_percent"),
            ]
        )
        score_kind = pgettext("progress CSV row", "score")
        completion_kind = pgettext("progress CSV row", "completion")
    for measure in figures["measures"]:
        for partner in measure["partners"]:
            for point in partner["scores"]:
                writer.writerow(
                    [
                        score_kind,
                        # In the viewer's zone (the middleware activates it), as a spreadsheet reads it.
                        timezone.localtime(point["at"]).strftime("%Y-%m-%d %H:%M"),
                        partner["name"],
                        measure["title"],
                        point["score"],
                        point["band"],
                        "",
                        "",
                        "",
                    ]
                )
    for week in figures["completion"]:
        for partner in week["partners"]:
            rate = "" if partner["rate"] is None else partner["rate"]
            writer.writerow(
                [
                    completion_kind,
                    week["week_start"].isoformat(),
                    partner["name"],
                    "",
                    "",
                    "",
                    partner["due"],
                    partner["done"],
                    rate,
                ]
            )
    return response


# --- Measures ------------------------------------------------------------------------------------


def measure_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _counselor_only(user)
    return render(request, "progress/measure_list.html", {"measures": selectors.measures_visible_to(user)})


def measure_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _counselor_only(user)
    form = MeasureForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            measure = submit_form(
                form,
                lambda: services.measure_create(
                    owner=user,
                    title=data["title"],
                    summary=data["summary"],
                    items=data["items"],
                    scoring_method=data["scoring"],
                    bands=data["bands"],
                    visibility=data["visibility"],
                ),
            )
            if measure is not None:
                messages.success(
                    request,
                    gettext("“%(title)s” is saved. Assign it to a couple below.") % {"title": measure.local_title},
                )
                return redirect("measure_detail", measure_id=measure.pk)
    return render(request, "progress/measure_new.html", {"form": form}, status=status)


def measure_detail(request: AuthenticatedHttpRequest, measure_id: int) -> HttpResponse:
    user = request.user
    _counselor_only(user)
    try:
        measure = selectors.measures_visible_to(user).get(pk=int(measure_id))
    except (Measure.DoesNotExist, ValueError):
        raise Http404 from None
    now = timezone.now()
    couples = policy.couples_visible_to(user).filter(status=CoupleStatus.ACTIVE).order_by("partner_one__full_name")
    form = AssignMeasureForm(request.POST or None, couples=couples, today=timezone.localdate(now))
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            couple = form.cleaned_data["couple"]
            try:
                services.measure_assign(
                    counselor=user,
                    couple=couple,
                    measure=measure,
                    starts_on=form.cleaned_data["starts_on"],
                    due_time=form.cleaned_data["due_time"],
                    rrule=form.rrule(),
                    now=now,
                )
            except ValidationError as exc:
                errors = error_dict(exc)
                if "rrule" in errors:
                    errors["every_weeks"] = errors.pop("rrule")
                add_errors_to_form(form, ValidationError(errors))
            else:
                messages.success(
                    request,
                    gettext("“%(title)s” is assigned to %(couple)s.")
                    % {"title": measure.local_title, "couple": couple.display_name},
                )
                return redirect("couple_progress", couple_id=couple.pk)
    return render(request, "progress/measure_detail.html", {"measure": measure, "form": form}, status=status)
