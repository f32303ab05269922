"""Who may change what in scheduling.

Built on accounts.policy (the portal's permission module): these are the
scheduling-specific questions, asked by scheduling.services. Seeing an
appointment at all is scheduling.selectors.appointments_visible_to.
"""

from __future__ import annotations

from accounts import policy
from accounts.models import Couple, Role, User
from scheduling.models import Appointment


def is_practice_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role == Role.PRACTICE_ADMIN)


def can_manage_locations(user: User) -> bool:
    return is_practice_admin(user)


def can_manage_schedule_of(user: User, counselor: User) -> bool:
    """Profile, working hours, time off and booking: admins for everyone, counselors their own."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.role == Role.PRACTICE_ADMIN or (user.role == Role.COUNSELOR and user.pk == counselor.pk)


def can_override_hours(user: User) -> bool:
    return is_practice_admin(user)


def can_manage_appointment(user: User, appointment: Appointment) -> bool:
    """Confirm, decline, reschedule, record the outcome."""
    return can_manage_schedule_of(user, appointment.counselor)


def can_cancel_appointment(user: User, appointment: Appointment) -> bool:
    """Staff who manage it, and the couple's partners for their own sessions."""
    if can_manage_appointment(user, appointment):
        return True
    return bool(
        user.is_authenticated
        and user.role == Role.CLIENT
        and appointment.couple is not None
        and policy.is_partner_in(user, appointment.couple)
    )


def counselor_serves_couple(counselor: User, couple: Couple) -> bool:
    return couple.primary_counselor_id == counselor.pk or couple.other_counselors.filter(pk=counselor.pk).exists()


def can_see_staff_note(user: User, appointment: Appointment) -> bool:
    return bool(user.is_authenticated and user.role in policy.STAFF_ROLES)
