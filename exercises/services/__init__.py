"""Business rules for exercises: every change goes through a function here.

Pages, the API, the admin and tasks call these; each checks who is acting
(PermissionDenied if they may not), validates (ValidationError keyed by field,
before anything is written), and records sensitive changes with
accounts.services.audit_record. Audit rows never hold answer content.

One module per subject (templates, assignments, occurrences, responses and
comments, answer access); callers import them all from here.
"""

from exercises.services.access import (
    _access_details,
    _is_own,
    couple_set_high_conflict,
    response_open,
    responses_record_access,
    rituals_record_access,
)
from exercises.services.assignments import (
    _SCHEDULE_HORIZON,
    _drop_future_unstarted,
    _lock_assignment,
    _recurrence_first_due,
    _schedule,
    _set_status,
    assignment_create,
    assignment_end,
    assignment_pause,
    assignment_resume,
    assignment_update_note,
)
from exercises.services.erasure import couple_exercise_content_erase
from exercises.services.occurrences import OCCURRENCE_WINDOW, occurrences_generate, occurrences_generate_upcoming
from exercises.services.responses import (
    _existing_response,
    _lock_occurrence_for_answer,
    _mark_complete_if_done,
    _new_response,
    comment_add,
    response_mark_reviewed,
    response_save_draft,
    response_submit,
)
from exercises.services.templates import (
    TEMPLATE_EDITABLE,
    _save_template,
    _template_change,
    _unique_slug,
    template_copy,
    template_create,
    template_follow_measure,
    template_set_translation,
    template_update,
)

__all__ = [
    "OCCURRENCE_WINDOW",
    "TEMPLATE_EDITABLE",
    "_SCHEDULE_HORIZON",
    "_access_details",
    "_drop_future_unstarted",
    "_existing_response",
    "_is_own",
    "_lock_assignment",
    "_lock_occurrence_for_answer",
    "_mark_complete_if_done",
    "_new_response",
    "_recurrence_first_due",
    "_save_template",
    "_schedule",
    "_set_status",
    "_template_change",
    "_unique_slug",
    "assignment_create",
    "assignment_end",
    "assignment_pause",
    "assignment_resume",
    "assignment_update_note",
    "comment_add",
    "couple_exercise_content_erase",
    "couple_set_high_conflict",
    "occurrences_generate",
    "occurrences_generate_upcoming",
    "response_mark_reviewed",
    "response_open",
    "response_save_draft",
    "response_submit",
    "responses_record_access",
    "rituals_record_access",
    "template_copy",
    "template_create",
    "template_follow_measure",
    "template_set_translation",
    "template_update",
]
