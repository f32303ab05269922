"""Scheduling: offices, hours, appointments, calendar feeds. See portal/policy/__init__.py for the rules as a whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from accounts.models import Couple, Role, User

if TYPE_CHECKING:
    from scheduling.models import Appointment
from portal.policy.base import STAFF_ROLES, _active, is_practice_admin
from portal.policy.couples import is_partner_in


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
        and is_partner_in(user, appointment.couple)
    )


def counselor_serves_couple(counselor: User, couple: Couple) -> bool:
    return couple.primary_counselor_id == counselor.pk or couple.other_counselors.filter(pk=counselor.pk).exists()


def can_see_staff_note(user: User, appointment: Appointment) -> bool:
    return sees_staff_side(user)


def sees_staff_side(user: User) -> bool:
    """Staff (admins and counselors) see the staff side of appointments: staff
    notes, the history, requests waiting to be confirmed, who the clients are
    in calendar summaries. Clients see their sessions as whom they meet."""
    return bool(user.is_authenticated and user.role in STAFF_ROLES)


def can_book_appointments(user: User) -> bool:
    """Staff book appointments and use the calendar, booking and schedule pages
    (for whom: can_manage_schedule_of); clients request them instead."""
    return bool(user.is_authenticated and user.role in STAFF_ROLES)


def may_request_appointments(user: User) -> bool:
    """Clients ask for one of their counselor's free times (if the practice
    allows it: PracticeSettings.clients_may_request); staff book instead."""
    return bool(user.is_authenticated and user.role == Role.CLIENT)


def has_own_schedule(user: User) -> bool:
    """Counselors have a schedule of their own (profile, working hours, time
    off) that appointments are booked into; as staff they see and book their
    own schedule first, and only it."""
    return user.role == Role.COUNSELOR


def appointment_scope(user: User) -> Q | None:
    """Which appointments a user may see, as a filter: admins all, counselors
    their own, clients their couple's; None for no one."""
    if not _active(user):
        return None
    if user.role == Role.PRACTICE_ADMIN:
        return Q()
    if user.role == Role.COUNSELOR:
        return Q(counselor=user)
    if user.role == Role.CLIENT:
        return Q(couple__partner_one=user) | Q(couple__partner_two=user)
    return None


def feed_has_exercises(user: User) -> bool:
    """A client's calendar feed also carries their exercises' due dates; staff
    calendars carry appointments, not their couples' exercises."""
    return bool(_active(user) and user.role == Role.CLIENT)
