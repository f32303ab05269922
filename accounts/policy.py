"""Who may see and change what: the one place both pages and API ask.

- practice admin: locations, counselors, appointments, couples' names and
  contact details; never the content of clients' exercise answers;
- counselor: the couples of their own caseload only;
- client: their own couple only;
- superuser: the Django admin.

Anything outside a user's scope is answered with 404, so that a guess at an
id does not even learn that the object exists.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.utils import is_mfa_enabled
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from rest_framework.permissions import BasePermission

from accounts.models import Couple, Role, User

STAFF_ROLES = (Role.PRACTICE_ADMIN, Role.COUNSELOR)


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
        return couples.filter(Q(primary_counselor=user) | Q(other_counselors=user)).distinct()
    if user.role == Role.CLIENT:
        return couples.filter(Q(partner_one=user) | Q(partner_two=user))
    return couples.none()


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


def can_see_contact_details(user: User, couple: Couple) -> bool:
    return user.role == Role.PRACTICE_ADMIN or is_on_caseload(user, couple) or is_partner_in(user, couple)


def can_see_exercise_content(user: User, couple: Couple) -> bool:
    """Answers are clinical content: the caseload's counselors and the couple only."""
    return is_on_caseload(user, couple) or is_partner_in(user, couple)


def can_invite_couples(user: User) -> bool:
    return user.is_authenticated and user.role in STAFF_ROLES


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


def needs_two_factor(user: User) -> bool:
    """Counselors and admins must turn on two-factor authentication before
    they see any client data."""
    return bool(user.is_authenticated and user.role in STAFF_ROLES and not is_mfa_enabled(user))


class TwoFactorSatisfied(BasePermission):
    """DRF's side of needs_two_factor: staff without 2FA get 403 from the API."""

    message = "Turn on two-factor authentication in your account settings before using the portal."

    def has_permission(self, request: HttpRequest, view: Any) -> bool:
        return not needs_two_factor(request.user)  # type: ignore[arg-type]
