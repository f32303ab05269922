"""Who may see and change what: the portal's one permission module. Pages,
API views and services all ask it, so a rule is written once. It is also the
only module that reads a user's role: elsewhere code asks a function named
for the capability (has_caseload, can_join_couple, home_url_name, ...).

Roles:

- practice admin: locations, counselors, appointments, couples' names and
  contact details, failed reminders; never the content of clients' answers
  (minimum necessary), except in a client's own record exported on the
  client's request (records.py, audited);
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

from portal.policy.base import STAFF_ROLES, is_practice_admin
from portal.policy.couples import (
    TwoFactorSatisfied,
    can_invite_couples,
    can_join_couple,
    can_list_couples,
    can_manage_couple,
    can_resolve_held_invitations,
    can_see_exercise_content,
    caseload_couple_ids,
    counselors_assignable_by,
    counsels_couples,
    couple_for,
    couples_visible_to,
    has_client_home,
    home_url_name,
    is_on_caseload,
    is_partner_in,
    needs_two_factor,
)
from portal.policy.documents import (
    can_adjust_intake_packet,
    can_manage_default_packet,
    can_manage_documents,
    can_override_intake_hold,
    can_read_published_documents,
    can_revoke_signature,
    can_see_intake_packet,
    can_sign_documents,
    can_view_signature,
    intake_packet_scope,
    sees_whole_intake_packet,
    signature_read_is_audited,
    signature_scope,
)
from portal.policy.exercises import (
    can_answer_exercises,
    can_assign_exercises,
    can_copy_template,
    can_edit_template,
    can_manage_assignments,
    can_read_audit_log,
    can_respond,
    can_use_template,
    can_view_comment,
    can_view_response,
    carries_a_measure,
    is_high_conflict,
    partner_may_see,
    partners_share_answers,
    partners_share_answers_q,
    uses_template_library,
)
from portal.policy.messaging import (
    EDIT_WINDOW,
    can_download_attachment,
    can_edit_message,
    can_post,
    can_see_messaging_activity,
    can_see_read_states,
    can_start_thread,
    can_use_messages,
    can_view_thread,
    may_start_threads,
    thread_metadata_scope,
    thread_read_is_audited,
    thread_scope,
)
from portal.policy.progress import (
    can_use_measure,
    can_write_measures,
    follows_both_partners,
    has_caseload,
    sees_progress_as_partner,
)
from portal.policy.records import (
    can_download_own_record,
    can_export_record,
    can_export_records_of,
    record_couples,
)
from portal.policy.reminders import (
    can_manage_reminders,
    front_desk,
    gets_exercise_reminders,
    gets_weekly_digest,
    weekly_digest_recipients,
)
from portal.policy.retention import can_decide_account_closure, can_manage_retention, can_request_account_closure
from portal.policy.safety import can_manage_safety, can_see_risk_flag, in_safety_mode
from portal.policy.scheduling import (
    appointment_scope,
    can_book_appointments,
    can_cancel_appointment,
    can_manage_appointment,
    can_manage_locations,
    can_manage_schedule_of,
    can_override_hours,
    can_see_staff_note,
    counselor_serves_couple,
    feed_has_exercises,
    has_own_schedule,
    may_request_appointments,
    sees_staff_side,
)
from portal.policy.staff import (
    can_deactivate_staff,
    can_manage_staff,
    can_reassign_couple,
    new_staff_role,
    staff_managed_by,
    staff_member_for,
)

__all__ = [
    "EDIT_WINDOW",
    "STAFF_ROLES",
    "TwoFactorSatisfied",
    "appointment_scope",
    "can_adjust_intake_packet",
    "can_answer_exercises",
    "can_assign_exercises",
    "can_book_appointments",
    "can_cancel_appointment",
    "can_copy_template",
    "can_deactivate_staff",
    "can_decide_account_closure",
    "can_download_attachment",
    "can_download_own_record",
    "can_edit_message",
    "can_edit_template",
    "can_export_record",
    "can_export_records_of",
    "can_invite_couples",
    "can_join_couple",
    "can_list_couples",
    "can_manage_appointment",
    "can_manage_assignments",
    "can_manage_couple",
    "can_manage_default_packet",
    "can_manage_documents",
    "can_manage_locations",
    "can_manage_reminders",
    "can_manage_retention",
    "can_manage_safety",
    "can_manage_schedule_of",
    "can_manage_staff",
    "can_override_hours",
    "can_override_intake_hold",
    "can_post",
    "can_read_audit_log",
    "can_read_published_documents",
    "can_reassign_couple",
    "can_request_account_closure",
    "can_resolve_held_invitations",
    "can_respond",
    "can_revoke_signature",
    "can_see_exercise_content",
    "can_see_intake_packet",
    "can_see_messaging_activity",
    "can_see_read_states",
    "can_see_risk_flag",
    "can_see_staff_note",
    "can_sign_documents",
    "can_start_thread",
    "can_use_measure",
    "can_use_messages",
    "can_use_template",
    "can_view_comment",
    "can_view_response",
    "can_view_signature",
    "can_view_thread",
    "can_write_measures",
    "carries_a_measure",
    "caseload_couple_ids",
    "counselor_serves_couple",
    "counselors_assignable_by",
    "counsels_couples",
    "couple_for",
    "couples_visible_to",
    "feed_has_exercises",
    "follows_both_partners",
    "front_desk",
    "gets_exercise_reminders",
    "gets_weekly_digest",
    "has_caseload",
    "has_client_home",
    "has_own_schedule",
    "home_url_name",
    "in_safety_mode",
    "intake_packet_scope",
    "is_high_conflict",
    "is_on_caseload",
    "is_partner_in",
    "is_practice_admin",
    "may_request_appointments",
    "may_start_threads",
    "needs_two_factor",
    "new_staff_role",
    "partner_may_see",
    "partners_share_answers",
    "partners_share_answers_q",
    "record_couples",
    "sees_progress_as_partner",
    "sees_staff_side",
    "sees_whole_intake_packet",
    "signature_read_is_audited",
    "signature_scope",
    "staff_managed_by",
    "staff_member_for",
    "thread_metadata_scope",
    "thread_read_is_audited",
    "thread_scope",
    "uses_template_library",
    "weekly_digest_recipients",
]
