from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Role
from scheduling.models import Location


def location_list(request: HttpRequest) -> HttpResponse:
    """The practice admin's overview of every office, active or not."""
    if request.user.role != Role.PRACTICE_ADMIN:  # type: ignore[union-attr]
        raise Http404
    return render(
        request, "scheduling/location_list.html", {"locations": Location.objects.order_by("-is_active", "name")}
    )
