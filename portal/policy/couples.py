"""Couples, contact details, two-factor. See portal/policy/__init__.py for the rules as a whole."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.models import Couple, Role, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

from portal.policy.base import STAFF_ROLES, is_practice_admin


def couples_visible_to(user: User) -> QuerySet[Couple]:
    """The couples a user may look at, with what every listing shows loaded."""
    couples = Couple.objects.select_related("partner_one", "partner_two", "primary_counselor").prefetch_related(
        "other_counselors"
    )
    if not user.is_authenticated or not user.is_active:
        return couples.none()
    if user.role == Role.PRACTICE_ADMIN:
        return couples
    if user.role == Role.COUNSELOR:
        return couples.filter(pk__in=caseload_couple_ids(user))
    if user.role == Role.CLIENT:
        return couples.filter(Q(partner_one=user) | Q(partner_two=user))
    return couples.none()


def caseload_couple_ids(counselor: User) -> QuerySet[Any]:
    """The ids of a counselor's couples, as a subquery: an index scan of each side, united.
    (An OR across the join to other_counselors made PostgreSQL read every
    couple of the practice, and, under a list of assignments, hash-join every
    assignment: bench/practice_size.py.)"""
    secondary = Couple.other_counselors.through.objects.filter(user=counselor).values("couple_id")
    return Couple.objects.filter(primary_counselor=counselor).order_by().values("pk").union(secondary)


def couple_for(user: User, couple_id: Any) -> Couple:
    """The couple with this id if the user may see it, else 404."""
    try:
        return couples_visible_to(user).get(pk=int(couple_id))
    except (Couple.DoesNotExist, TypeError, ValueError):
        raise Http404("No such couple.") from None


def is_on_caseload(user: User, couple: Couple) -> bool:
    if user.role != Role.COUNSELOR:
        return False
    return couple.primary_counselor_id == user.pk or any(c.pk == user.pk for c in couple.other_counselors.all())


def is_partner_in(user: User, couple: Couple) -> bool:
    return user.pk in (couple.partner_one_id, couple.partner_two_id)


def can_see_exercise_content(user: User, couple: Couple) -> bool:
    """Answers are clinical content: the caseload's counselors and the couple only."""
    return is_on_caseload(user, couple) or is_partner_in(user, couple)


def can_invite_couples(user: User) -> bool:
    return user.is_authenticated and user.role in STAFF_ROLES


def can_list_couples(user: User) -> bool:
    """The couples list: counselors (their caseload) and practice admins."""
    return bool(user.is_authenticated and user.role in STAFF_ROLES)


def can_join_couple(user: User) -> bool:
    """Only clients are partners in a couple: an invitation to a staff
    account's address is refused."""
    return user.role == Role.CLIENT


def can_resolve_held_invitations(user: User) -> bool:
    """Invitations held because an address was a staff account's or a client's
    of another open couple: the front desk (practice admins) sorts them out;
    the inviter is never told."""
    return is_practice_admin(user)


def counsels_couples(user: User) -> bool:
    """A counselor who invites a couple is its counselor unless they name
    another; anyone else must name one."""
    return user.role == Role.COUNSELOR


def has_client_home(user: User) -> bool:
    """The client's home page (their couple and exercises): clients only."""
    return user.role == Role.CLIENT


_HOME_URL_NAMES: dict[str, str] = {
    Role.COUNSELOR: "progress_dashboard",  # their caseload, those needing attention first
    Role.CLIENT: "client_home",  # their exercises and couple
    Role.PRACTICE_ADMIN: "location_list",  # locations and appointments
}


def home_url_name(user: User) -> str:
    """The URL name of the page a user lands on (the site's root); their
    profile if they have no other."""
    return _HOME_URL_NAMES.get(user.role, "profile")


def can_manage_couple(user: User, couple: Couple) -> bool:
    """Change status, resend invitations."""
    return user.role == Role.PRACTICE_ADMIN or is_on_caseload(user, couple)


def counselors_assignable_by(user: User) -> QuerySet[User]:
    """Who may be made a couple's primary counselor by this user."""
    counselors = User.objects.filter(role=Role.COUNSELOR, is_active=True)
    if user.role == Role.PRACTICE_ADMIN:
        return counselors
    if user.role == Role.COUNSELOR:
        return counselors.filter(pk=user.pk)
    return counselors.none()


def needs_two_factor(user: User | AnonymousUser) -> bool:
    """Counselors and admins must turn on two-factor authentication before
    they see any client data. (Anonymous visitors see none: nothing to turn on.)"""
    return bool(isinstance(user, User) and user.role in STAFF_ROLES and not is_mfa_enabled(user))


class TwoFactorSatisfied(BasePermission):
    """DRF's side of needs_two_factor: staff without 2FA get 403 from the API."""

    message = _("Turn on two-factor authentication in your account settings before using the portal.")

    def has_permission(self, request: HttpRequest, view: Any) -> bool:
        return not needs_two_factor(request.user)
