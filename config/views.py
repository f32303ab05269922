from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.models import Role

HOME_BY_ROLE = {
    Role.COUNSELOR: "progress_dashboard",  # their caseload, those needing attention first
    Role.CLIENT: "client_home",  # their exercises and couple
    Role.PRACTICE_ADMIN: "location_list",  # locations and appointments
}


def home(request: HttpRequest) -> HttpResponse:
    role = getattr(request.user, "role", "")
    return redirect(HOME_BY_ROLE.get(Role(role), "profile") if role in Role.values else "profile")
