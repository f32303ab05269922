"""Who may see and change what: the portal's one permission module. Pages,
API views and services all ask it, so a rule is written once. It is also the
only module that reads a user's role: elsewhere code asks a function named
for the capability (has_caseload, can_join_couple, home_url_name, ...).

Roles:

- practice admin: locations, counselors, appointments, couples' names and
  contact details, failed reminders; never the content of clients' answers
  (minimum necessary);
- counselor: the couples of their own caseload only;
- client: their own couple only;
- superuser: the Django admin.

Anything outside a user's scope is answered with 404, so that a guess at an
id does not even learn that the object exists.

The reveal rules for a client's answer (exercises):

- its author sees it, draft or submitted; both partners see a joint answer;
- a counselor of the couple's caseload sees it once it is submitted (a draft
  is the partner's unsent notes);
- the other partner sees a submitted answer only if the assignment's
  visibility is "at once", or "after both" and they have submitted their own
  answer to the same occurrence; never if it is "counselor only", and never
  while the couple is marked high-conflict;
- a practice admin never sees answer content, nor does anyone else.

``exercises.selectors.responses_visible_to`` applies the same rules in SQL;
tests check that the two agree.

Auditing reads: every read of an answer, or of a score derived from answers
(a couple's progress, its CSV and printable summary, the caseload dashboard),
by anyone but its author writes an audit row (``RESPONSE_VIEWED``,
``MEASURE_SCORES_VIEWED``), including the answer sent back when a counselor
marks it reviewed. A partner reading their own answer (or the couple's joint
one), or their own scores, is not audited: it is theirs, and a row for every
look at one's own notes would bury the reads that matter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from rest_framework.permissions import BasePermission

from accounts.models import Couple, Role, User
from exercises.models import (
    Assignment,
    AssignmentStatus,
    Comment,
    CompletionMode,
    ExerciseTemplate,
    Occurrence,
    Response,
    ResponseState,
    Visibility,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from intake.models import Signature
    from progress.models import Measure
    from scheduling.models import Appointment

STAFF_ROLES = (Role.PRACTICE_ADMIN, Role.COUNSELOR)


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


# --- Couples, contact details, two-factor -------------------------------------------------


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

    message = "Turn on two-factor authentication in your account settings before using the portal."

    def has_permission(self, request: HttpRequest, view: Any) -> bool:
        return not needs_two_factor(request.user)


# --- Exercises and the reveal rules -----------------------------------------------------


def uses_template_library(user: User) -> bool:
    """Counselors choose from the exercise library, write templates of their
    own and copy built-ins."""
    return bool(user.is_authenticated and user.role == Role.COUNSELOR)


def can_assign_exercises(user: User) -> bool:
    """Counselors assign exercises to the couples of their caseload, read the
    submitted answers, review them and comment (which couples: can_manage_assignments)."""
    return bool(user.is_authenticated and user.role == Role.COUNSELOR)


def can_answer_exercises(user: User) -> bool:
    """Clients answer their own couple's exercises (which ones and when: can_respond)."""
    return bool(user.is_authenticated and user.role == Role.CLIENT)


def can_read_audit_log(user: User) -> bool:
    """The audit list (who did what, never answer content): practice admins."""
    return bool(user.is_authenticated and user.role == Role.PRACTICE_ADMIN)


def is_high_conflict(couple: Couple) -> bool:
    try:
        return couple.exercise_settings.high_conflict  # reverse one-to-one
    except ObjectDoesNotExist:
        return False


def can_use_template(user: User, template: ExerciseTemplate) -> bool:
    """May this user assign the template (a built-in, or their own)?"""
    if not _active(user) or user.role != Role.COUNSELOR or template.is_archived:
        return False
    return template.is_builtin or template.owner_id == user.pk


def carries_a_measure(template: ExerciseTemplate) -> bool:
    """A measure's template: its fields are the measure's items, so it is
    changed as a measure, never in the exercise library."""
    return ExerciseTemplate.objects.filter(pk=template.pk, measure_link__isnull=False).exists()


def can_edit_template(user: User, template: ExerciseTemplate) -> bool:
    """Built-ins are edited by copying them; a counselor edits only their own."""
    return (
        _active(user)
        and user.role == Role.COUNSELOR
        and not template.is_builtin
        and template.owner_id == user.pk
        and not carries_a_measure(template)
    )


def can_copy_template(user: User, template: ExerciseTemplate) -> bool:
    return (
        _active(user)
        and user.role == Role.COUNSELOR
        and (template.is_builtin or template.owner_id == user.pk)
        and not carries_a_measure(template)
    )


def can_manage_assignments(user: User, couple: Couple) -> bool:
    """Assign, pause, resume, end, review, comment: the couple's counselors."""
    return _active(user) and is_on_caseload(user, couple)


def can_respond(user: User, assignment: Assignment) -> bool:
    """May this user write an answer for an occurrence of the assignment now?"""
    return (
        _active(user)
        and user.role == Role.CLIENT
        and is_partner_in(user, assignment.couple)
        and assignment.status == AssignmentStatus.ACTIVE
    )


def partner_may_see(*, visibility: str, high_conflict: bool, viewer_has_submitted: bool) -> bool:
    """May a partner see the other partner's *submitted* answer?"""
    if high_conflict or visibility == Visibility.COUNSELOR_ONLY:
        return False
    if visibility == Visibility.AT_ONCE:
        return True
    return visibility == Visibility.AFTER_BOTH and viewer_has_submitted


def partners_share_answers(*, visibility: str, high_conflict: bool, is_joint: bool) -> bool:
    """May a partner learn anything at all of the other partner's answer to an
    occurrence: that it exists, that both are done, when (``completed_at``),
    "your partner has finished"? Not under "counselor only", not while the
    couple is high-conflict; a joint answer is both partners' own."""
    return is_joint or not (high_conflict or visibility == Visibility.COUNSELOR_ONLY)


def partners_share_answers_q() -> Q:
    """partners_share_answers for a queryset of occurrences, in SQL."""
    return Q(assignment__completion_mode=CompletionMode.JOINT) | (
        ~Q(assignment__visibility=Visibility.COUNSELOR_ONLY)
        & ~Q(assignment__couple__exercise_settings__high_conflict=True)
    )


def _has_submitted(user: User, occurrence: Occurrence) -> bool:
    return Response.objects.filter(occurrence=occurrence, author=user, state=ResponseState.SUBMITTED).exists()


def can_view_response(user: User, response: Response, *, viewer_has_submitted: bool | None = None) -> bool:
    """The reveal rules above. ``viewer_has_submitted`` may be passed when the
    caller already knows it, to save a query."""
    if not _active(user):
        return False
    assignment = response.occurrence.assignment
    couple = assignment.couple
    if user.role == Role.COUNSELOR:
        return response.state == ResponseState.SUBMITTED and is_on_caseload(user, couple)
    if user.role != Role.CLIENT or not is_partner_in(user, couple):
        return False  # practice admins included: never answer content
    if response.author_id is None or response.author_id == user.pk:
        return True  # one's own answer, or the couple's joint one
    if response.state != ResponseState.SUBMITTED:
        return False
    if viewer_has_submitted is None:
        viewer_has_submitted = _has_submitted(user, response.occurrence)
    return partner_may_see(
        visibility=assignment.visibility,
        high_conflict=is_high_conflict(couple),
        viewer_has_submitted=viewer_has_submitted,
    )


def can_view_comment(user: User, comment: Comment) -> bool:
    """A comment on an answer is as private as the answer; a comment on an
    occurrence is for the couple and their counselors."""
    if not _active(user):
        return False
    if comment.response_id is not None and comment.response is not None:
        return can_view_response(user, comment.response)
    couple = comment.occurrence.assignment.couple
    return is_on_caseload(user, couple) or (user.role == Role.CLIENT and is_partner_in(user, couple))


# --- Scheduling ------------------------------------------------------------------------------


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


# --- Reminders -------------------------------------------------------------------------------


def can_manage_reminders(user: User) -> bool:
    """See failed reminders and resend them: practice admins. The list names
    clients and their addresses, never clinical content."""
    return bool(user.is_authenticated and user.is_active and (user.role == Role.PRACTICE_ADMIN or user.is_superuser))


def gets_exercise_reminders(user: User) -> bool:
    """Partners (clients): exercise reminders, "your partner has finished",
    appointment reminders and notices; never the staff's e-mails (requests,
    intakes, the weekly digest)."""
    return user.role == Role.CLIENT


def gets_weekly_digest(user: User) -> bool:
    """Counselors get a weekly digest of their caseload."""
    return user.role == Role.COUNSELOR


def weekly_digest_recipients() -> QuerySet[User]:
    """Whose weekly digest is planned: the active counselors."""
    return User.objects.filter(role=Role.COUNSELOR, is_active=True)


def front_desk() -> QuerySet[User]:
    """Who is told of every appointment request and intake: the active
    practice admins."""
    return User.objects.filter(is_active=True, role=Role.PRACTICE_ADMIN)


# --- Progress ------------------------------------------------------------------------------


def can_use_measure(user: User, measure: Measure) -> bool:
    """Assign a measure: a built-in, or one of the counselor's own."""
    return bool(user.is_active and user.role == Role.COUNSELOR and measure.owner_id in (None, user.pk))


def can_write_measures(user: User) -> bool:
    """Choose measures and write one's own: active counselors."""
    return _active(user) and user.role == Role.COUNSELOR


def has_caseload(user: User) -> bool:
    """The caseload dashboard, a couple's CSV and printable summary: active
    counselors (each couple's figures only for their own caseload)."""
    return _active(user) and user.role == Role.COUNSELOR


def follows_both_partners(viewer: User) -> bool:
    """Among a couple's progress viewers (its counselors and partners), the
    counselors follow both partners' completion and every ritual."""
    return viewer.role == Role.COUNSELOR


def sees_progress_as_partner(viewer: User) -> bool:
    """Among a couple's progress viewers, the partners see only the rituals
    whose logs are shared between them (as on their practice page)."""
    return viewer.role == Role.CLIENT


# --- Documents and consent (intake) ---------------------------------------------------------
# The practice's documents are kept by practice admins (drafts and versions);
# everyone signed in reads the published versions. Each partner signs for
# themselves only. A signature is seen by its signer, by the counselors of
# the couple it was signed in, and by practice admins; every read by staff
# is audited. ``intake.selectors.signatures_visible_to`` applies
# signature_scope in SQL; tests/intake/test_policy.py checks that it and
# can_view_signature agree.


def can_manage_documents(user: User) -> bool:
    """Write drafts, publish versions, see every version: practice admins."""
    return is_practice_admin(user)


def can_read_published_documents(user: User) -> bool:
    return _active(user)


def can_sign_documents(user: User) -> bool:
    """Partners (clients) sign, each with their own login (which couple: intake.services)."""
    return _active(user) and user.role == Role.CLIENT


def signature_scope(user: User) -> Q | None:
    """Which signatures a user may see, as a filter; None for no one."""
    if not _active(user):
        return None
    if user.role == Role.PRACTICE_ADMIN:
        return Q()
    if user.role == Role.COUNSELOR:
        return Q(couple__in=caseload_couple_ids(user))
    if user.role == Role.CLIENT:
        return Q(signer=user)
    return None


def can_view_signature(user: User, signature: Signature) -> bool:
    """signature_scope for one signature."""
    if not _active(user):
        return False
    if user.role == Role.PRACTICE_ADMIN:
        return True
    if user.role == Role.COUNSELOR:
        return is_on_caseload(user, signature.couple)
    return user.role == Role.CLIENT and signature.signer_id == user.pk


def signature_read_is_audited(user: User, signature: Signature) -> bool:
    """A signer reading their own signature is not recorded; staff reads are."""
    return signature.signer_id != user.pk


def can_revoke_signature(user: User, signature: Signature) -> bool:
    """Only its signer withdraws a signature."""
    return _active(user) and user.role == Role.CLIENT and signature.signer_id == user.pk
