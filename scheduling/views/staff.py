"""The Staff pages, for practice admins: the counselors (paged), inviting
one, editing one (name, public profile, photo) and deactivating one; and a
counselor's own public profile (photo and bio), linked from their profile.
Anyone else gets a 404, as does an id that is not a counselor's."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts import services as accounts_services
from accounts.models import User
from portal import paging, policy
from portal.errors import add_errors_to_form, submit_form
from portal.http import AuthenticatedHttpRequest
from scheduling import selectors, services, staff_selectors
from scheduling.forms import CounselorProfileForm
from scheduling.staff_forms import (
    CounselorPhotoForm,
    OwnPublicProfileForm,
    StaffDetailsForm,
    StaffFilterForm,
    StaffInviteForm,
)


def _admin(request: AuthenticatedHttpRequest) -> User:
    if not policy.can_manage_staff(request.user):
        raise Http404
    return request.user


def staff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = _admin(request)
    filters = StaffFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    staff = paging.page_of(staff_selectors.staff_list(actor, state=state), request.GET)
    return render(request, "scheduling/staff_list.html", {"staff": staff, "filters": filters, "state": state})


def staff_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    actor = _admin(request)
    form = StaffInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        invited = submit_form(
            form,
            lambda: services.counselor_invite_with_profile(
                actor=actor,
                full_name=data["full_name"],
                email=data["email"],
                time_zone=data["time_zone"],
                language=data["language"],
                locations=data["locations"],
                specialties=data["specialties"],
            ),
        )
        if invited is not None:
            messages.success(
                request,
                gettext("An invitation is on its way to %(email)s. %(name)s appears below as invited.")
                % {"email": invited.email, "name": invited.full_name},
            )
            return redirect("staff_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "scheduling/staff_invite.html", {"form": form}, status=status)


def _profile_initial(member: User) -> dict[str, Any]:
    profile = selectors.counselor_profile_of(member)
    if profile is None:
        return {"is_accepting_new_clients": True}
    return {
        "credentials": profile.credentials,
        "title": profile.title,
        "bio": profile.bio,
        "specialties": list(profile.specialties.all()),
        "locations": list(profile.locations.all()),
        "sees_online": profile.sees_online,
        "is_accepting_new_clients": profile.is_accepting_new_clients,
        "on_leave": profile.on_leave,
    }


def staff_edit(request: AuthenticatedHttpRequest, counselor_id: int) -> HttpResponse:
    """One counselor: name and time zone, public profile, photo (each its own form)."""
    actor = _admin(request)
    member = policy.staff_member_for(actor, counselor_id)
    posted = request.POST.get("form", "") if request.method == "POST" else ""
    details_form = StaffDetailsForm(
        request.POST if posted == "details" else None,
        initial={"full_name": member.full_name, "time_zone": member.time_zone},
    )
    profile_form = CounselorProfileForm(request.POST if posted == "profile" else None, initial=_profile_initial(member))
    photo_form = CounselorPhotoForm(
        request.POST if posted == "photo" else None, request.FILES if posted == "photo" else None
    )
    forms_by_name = {"details": details_form, "profile": profile_form, "photo": photo_form}
    try:
        if posted == "details" and details_form.is_valid():
            accounts_services.staff_details_update(actor=actor, member=member, **details_form.cleaned_data)
            messages.success(request, gettext("The name and time zone are saved."))
            return redirect("staff_edit", counselor_id=member.pk)
        if posted == "profile" and profile_form.is_valid():
            services.counselor_profile_save(actor=actor, counselor=member, **profile_form.cleaned_data)
            messages.success(request, gettext("The profile is saved."))
            return redirect("staff_edit", counselor_id=member.pk)
        if posted == "photo" and photo_form.is_valid():
            services.counselor_photo_set(actor=actor, counselor=member, upload=photo_form.cleaned_data["photo"])
            messages.success(request, gettext("The photo is saved."))
            return redirect("staff_edit", counselor_id=member.pk)
        if posted == "remove_photo":
            services.counselor_photo_remove(actor=actor, counselor=member)
            messages.success(request, gettext("The photo is removed."))
            return redirect("staff_edit", counselor_id=member.pk)
    except ValidationError as exc:
        add_errors_to_form(forms_by_name.get(posted, details_form), exc)
    context = {
        "member": member,
        "profile": selectors.counselor_profile_of(member),
        "details_form": details_form,
        "profile_form": profile_form,
        "photo_form": photo_form,
        "can_deactivate": member.is_active and policy.can_deactivate_staff(actor, member),
    }
    return render(request, "scheduling/staff_edit.html", context, status=400 if posted else 200)


def staff_deactivate(request: AuthenticatedHttpRequest, counselor_id: int) -> HttpResponse:
    """What the counselor leaves behind (sessions to come, couples to move),
    then, once confirmed, the account switched off."""
    actor = _admin(request)
    member = policy.staff_member_for(actor, counselor_id)
    if not policy.can_deactivate_staff(actor, member):
        raise Http404
    error = ""
    if request.method == "POST":
        try:
            accounts_services.counselor_deactivate(actor=actor, member=member)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                gettext(
                    "%(name)s can no longer sign in. Their couples and sessions stay as they were until you move them."
                )
                % {"name": member.full_name},
            )
            return redirect("staff_deactivate", counselor_id=member.pk)
    appointments = staff_selectors.future_appointments_of(member)
    context = {
        "member": member,
        "appointments": appointments[: staff_selectors.FUTURE_APPOINTMENTS_SHOWN],
        "more_appointments": len(appointments) > staff_selectors.FUTURE_APPOINTMENTS_SHOWN,
        "couples": staff_selectors.open_couples_of(member),
        "error": error,
    }
    return render(request, "scheduling/staff_deactivate.html", context, status=400 if error else 200)


def own_public_profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A counselor's own photo and bio, as the directory shows them."""
    user = request.user
    if not policy.has_own_schedule(user):
        raise Http404
    profile = selectors.counselor_profile_of(user)
    form = OwnPublicProfileForm(
        request.POST or None, request.FILES or None, initial={"bio": profile.bio if profile else ""}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def save() -> bool:
            services.counselor_bio_save(actor=user, counselor=user, bio=data["bio"])
            if data["photo"] is False:  # "Clear" ticked
                services.counselor_photo_remove(actor=user, counselor=user)
            elif data["photo"]:
                services.counselor_photo_set(actor=user, counselor=user, upload=data["photo"])
            return True

        if submit_form(form, save):
            messages.success(request, gettext("Your public profile is saved."))
            return redirect("own_public_profile")
    status = 400 if request.method == "POST" else 200
    return render(request, "scheduling/own_public_profile.html", {"form": form, "profile": profile}, status=status)


@require_POST
def staff_invitation_resend(request: AuthenticatedHttpRequest, counselor_id: int) -> HttpResponse:
    actor = _admin(request)
    member = policy.staff_member_for(actor, counselor_id)
    invitation = member.invitations.filter(couple__isnull=True, accepted_at__isnull=True).first()
    if invitation is None or not member.is_active:
        raise Http404
    accounts_services.invitation_resend(invitation=invitation, actor=actor)
    messages.success(request, gettext("A new invitation e-mail is on its way to %(email)s.") % {"email": member.email})
    return redirect("staff_list")
