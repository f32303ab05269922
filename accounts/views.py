"""Account and couple pages: the couples list and a couple's page, inviting a
couple, re-sending an invitation, a couple's status, accepting an invitation,
one's profile and the client's home."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts import auth, selectors, services
from accounts.forms import CoupleReassignForm, CoupleStatusForm, InviteCoupleForm, ProfileForm, SetPasswordForm
from accounts.languages import language_for, override_for
from accounts.models import Couple, CoupleStatus, HeldInvitation, Invitation, User
from portal import paging, policy
from portal.errors import submit_form
from portal.http import AuthenticatedHttpRequest


def couple_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_list_couples(request.user):
        raise Http404
    couples = policy.couples_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in CoupleStatus.values:
        couples = couples.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        couples = couples.filter(
            Q(partner_one__full_name__icontains=query)
            | Q(partner_two__full_name__icontains=query)
            | Q(partner_one__email__icontains=query)
            | Q(partner_two__email__icontains=query)
        )
    context = {
        # By name, then id: the first page is read off the users' name index, not a sort of the practice.
        "couples": paging.page_of(couples.order_by("partner_one__full_name", "pk"), request.GET),
        "status": status,
        "query": query,
        "statuses": CoupleStatus.choices,
        "can_invite": policy.can_invite_couples(request.user),
        "can_resolve_held": policy.can_resolve_held_invitations(request.user),
    }
    return render(request, "accounts/couple_list.html", context)


def couple_detail(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    couple = policy.couple_for(request.user, couple_id)
    invitations = couple.invitations.select_related("user").order_by("user__full_name")
    safety = selectors.partner_safety_of(couple) if policy.can_see_risk_flag(request.user, couple) else {}
    context = {
        "couple": couple,
        "invitations": invitations if policy.can_manage_couple(request.user, couple) else [],
        "can_manage": policy.can_manage_couple(request.user, couple),
        "can_reassign": policy.can_reassign_couple(request.user, couple),
        "status_form": CoupleStatusForm(initial={"status": couple.status}),
        # The counselor's only: each partner's safety mode and screen flag.
        "safety_rows": [(partner, safety[partner.pk]) for partner in couple.partners] if safety else [],
        "can_manage_safety": policy.can_manage_safety(request.user, couple),
        # A partner's record (right of access), exported on their request.
        "can_export_records": policy.can_export_records_of(request.user, couple),
    }
    return render(request, "accounts/couple_detail.html", context)


def _couple_partner(request: AuthenticatedHttpRequest, couple_id: int, user_id: int) -> tuple[Couple, User]:
    """The couple (in the user's scope, else 404) and one of its partners (else 404)."""
    couple = policy.couple_for(request.user, couple_id)
    partner = next((p for p in couple.partners if p.pk == user_id), None)
    if partner is None:
        raise Http404("No such partner.")
    return couple, partner


@require_POST
def partner_safety_mode(request: AuthenticatedHttpRequest, couple_id: int, user_id: int) -> HttpResponse:
    couple, partner = _couple_partner(request, couple_id, user_id)
    on = request.POST.get("on")
    if on not in ("1", "0"):
        return HttpResponse("on: send 1 (safety mode on) or 0 (off).", status=400, content_type="text/plain")
    services.safety_mode_set(actor=request.user, partner=partner, on=on == "1")
    done = gettext("Safety mode is on for %(name)s.") if on == "1" else gettext("Safety mode is off for %(name)s.")
    messages.success(request, done % {"name": partner.full_name})
    return redirect("couple_detail", couple_id=couple.pk)


@require_POST
def partner_risk_flag_review(request: AuthenticatedHttpRequest, couple_id: int, user_id: int) -> HttpResponse:
    couple, partner = _couple_partner(request, couple_id, user_id)
    services.risk_flag_review(actor=request.user, partner=partner)
    messages.success(request, gettext("%(name)s's safety screen is marked reviewed.") % {"name": partner.full_name})
    return redirect("couple_detail", couple_id=couple.pk)


def couple_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not policy.can_invite_couples(user):
        raise Http404
    counselors = policy.counselors_assignable_by(user)
    form = InviteCoupleForm(
        request.POST or None,
        initial=_held_invitation_initial(request),
        counselors=counselors,
        default_time_zone=settings.PRACTICE_TIME_ZONE,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def invite() -> bool:
            # Held for the front desk or sent, the inviter is answered the
            # same: an address never tells whom else it belongs to.
            services.couple_invite_or_hold(
                invited_by=user,
                partner_one=services.PartnerDetails(
                    data["partner_one_name"], data["partner_one_email"], data["partner_one_language"]
                ),
                partner_two=services.PartnerDetails(
                    data["partner_two_name"], data["partner_two_email"], data["partner_two_language"]
                ),
                primary_counselor=data["primary_counselor"],
                time_zone=data["time_zone"],
            )
            return True

        done = submit_form(form, invite)
        if done is not None:
            messages.success(request, str(services.INVITE_ACCEPTED_TEXT))
            return redirect("couple_list")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/couple_invite.html", {"form": form}, status=status)


def _held_invitation_initial(request: AuthenticatedHttpRequest) -> dict[str, object]:
    """The front desk inviting again from a held invitation (?held=<id>): its
    names, addresses, languages, counselor and time zone, to correct and send."""
    held_id = request.GET.get("held", "")
    is_id = held_id.isascii() and held_id.isdigit() and len(held_id) < 19  # a bigint, not a hostile guess
    if request.method != "GET" or not is_id or not policy.can_resolve_held_invitations(request.user):
        return {}
    held = HeldInvitation.objects.filter(pk=held_id, resolved_at__isnull=True).first()
    if held is None:
        return {}
    fields = ("name", "email", "language")
    initial: dict[str, object] = {
        f"{partner}_{field}": getattr(held, f"{partner}_{field}")
        for partner in ("partner_one", "partner_two")
        for field in fields
    }
    return {**initial, "primary_counselor": held.primary_counselor_id, "time_zone": held.time_zone}


def held_invitation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_resolve_held_invitations(request.user):
        raise Http404
    held = HeldInvitation.objects.filter(resolved_at__isnull=True).select_related("invited_by", "primary_counselor")
    return render(request, "accounts/held_invitation_list.html", {"held_invitations": held})


@require_POST
def held_invitation_resolve(request: AuthenticatedHttpRequest, held_id: int) -> HttpResponse:
    if not policy.can_resolve_held_invitations(request.user):
        raise Http404
    held = get_object_or_404(HeldInvitation, pk=held_id)
    try:
        services.held_invitation_resolve(held=held, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, gettext("Marked as sorted out."))
    return redirect("held_invitation_list")


@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, invitation_id: int) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("user"), pk=invitation_id)
    couple = policy.couple_for(request.user, invitation.couple_id)
    if not policy.can_manage_couple(request.user, couple):
        raise Http404
    invitation.couple = couple  # as policy loaded it (counselors prefetched), for the service's own check
    try:
        services.invitation_resend(invitation=invitation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, gettext("A new invitation e-mail is on its way to %(email)s.") % {"email": invitation.user.email}
        )
    return redirect("couple_detail", couple_id=couple.pk)


@require_POST
def couple_status(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    couple = policy.couple_for(request.user, couple_id)
    if not policy.can_manage_couple(request.user, couple):
        raise Http404
    form = CoupleStatusForm(request.POST)
    if form.is_valid():
        try:
            services.couple_set_status(couple=couple, status=form.cleaned_data["status"], actor=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                gettext("%(couple)s is now %(status)s.")
                % {"couple": couple.display_name, "status": couple.get_status_display().lower()},
            )
    else:
        messages.error(request, gettext("Choose a valid status."))
    return redirect("couple_detail", couple_id=couple.pk)


def couple_reassign(request: AuthenticatedHttpRequest, couple_id: int) -> HttpResponse:
    """Give the couple another primary counselor (practice admins), from the
    couple's page or from a counselor's deactivation page (``next``)."""
    couple = policy.couple_for(request.user, couple_id)
    if not policy.can_reassign_couple(request.user, couple):
        raise Http404
    counselors = policy.counselors_assignable_by(request.user).exclude(pk=couple.primary_counselor_id)
    # Where to go back to (the deactivation page): a path on this site only.
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not (back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})):
        back = ""
    form = CoupleReassignForm(request.POST or None, counselors=counselors)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        moved = submit_form(
            form,
            lambda: services.couple_reassign(
                actor=request.user,
                couple=couple,
                counselor=data["counselor"],
                move_future_appointments=data["move_future_appointments"],
            ),
        )
        if moved is not None:
            names = {"couple": couple.display_name, "counselor": data["counselor"].full_name}
            if data["move_future_appointments"]:
                done = gettext("%(couple)s now see %(counselor)s with their sessions to come.") % names
            else:
                done = gettext("%(couple)s now see %(counselor)s.") % names
            messages.success(request, done)
            return redirect(back) if back else redirect("couple_detail", couple_id=couple.pk)
    status = 400 if request.method == "POST" else 200
    context = {"couple": couple, "form": form, "next": back}
    return render(request, "accounts/couple_reassign.html", context, status=status)


INVALID_INVITATION_TEXT = {
    "expired": (_("This invitation has expired"), 410),
    "used": (_("This invitation has already been used"), 410),
    "invalid": (_("This invitation link is not valid"), 400),
}


def _invitation_invalid(request: HttpRequest, reason: str) -> HttpResponse:
    title, status = INVALID_INVITATION_TEXT[reason]
    return render(request, "accounts/invitation_invalid.html", {"title": title, "reason": reason}, status=status)


@login_not_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationInvalid as exc:
        return _invitation_invalid(request, exc.reason)
    # The page is in the invited person's language (the counselor may have
    # chosen it when inviting), before they have ever logged in.
    language = language_for(invitation.user, request=request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    form = SetPasswordForm(request.POST or None, user=invitation.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = submit_form(
                form, lambda: services.invitation_accept(token=token, password=form.cleaned_data["password1"])
            )
        except services.InvitationInvalid as exc:
            return _invitation_invalid(request, exc.reason)
        if user is not None:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, gettext("Welcome! Your password is set and you are logged in."))
            return redirect("home")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}, status=status)


def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        services.user_update_profile(user=user, **form.cleaned_data)
        with override_for(user):  # in the language just chosen
            messages.success(request, gettext("Your profile is saved."))
        return redirect("profile")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "can_download_own_record": policy.can_download_own_record(user),
        "can_request_account_closure": policy.can_request_account_closure(user),
        "has_public_profile": policy.has_own_schedule(user),
    }
    return render(request, "accounts/profile.html", context, status=status)


def security(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One's API tokens (each can be revoked) and "sign out everywhere"."""
    return render(request, "accounts/security.html", {"api_tokens": auth.api_tokens_of(request.user)})


@require_POST
def api_token_revoke(request: AuthenticatedHttpRequest, token_key: str) -> HttpResponse:
    auth.api_token_revoke(actor=request.user, token_key=token_key)
    messages.success(request, gettext("That token no longer works."))
    return redirect("security")


@require_POST
def sign_out_everywhere(request: AuthenticatedHttpRequest) -> HttpResponse:
    auth.sign_out_everywhere(user=request.user, keep_session_key=request.session.session_key)
    messages.success(request, gettext("You are signed out everywhere else, and every API token is revoked."))
    return redirect("security")
