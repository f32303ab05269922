"""Exercise pages: thin views over exercises.selectors (what one may see) and
exercises.services (every change). Anything outside the viewer's scope is a
404, as elsewhere in the portal; a practice admin gets 404 on every page that
would show exercise content.

One module per page family: home (a partner's /me/), occurrences (answer, review, comment), couple
(a counselor's page for one couple), templates (the library and its field
builder), live_hints (JSON while a partner types); answers shows an answer
as rows, scope looks objects up in the viewer's scope."""

from exercises.views.answers import AnswerRow, ShownResponse, ShownVersion, answer_rows
from exercises.views.couple import (
    ASSIGNMENT_ACTIONS,
    AssignmentRow,
    assignment_action,
    assignment_note,
    couple_exercises,
    couple_high_conflict,
)
from exercises.views.home import client_done, client_home
from exercises.views.live_hints import HINT_TEXT_LIMIT, hints
from exercises.views.occurrences import occurrence_comment, occurrence_detail, response_review
from exercises.views.templates import template_copy, template_detail, template_edit, template_list, template_new

__all__ = [
    "ASSIGNMENT_ACTIONS",
    "HINT_TEXT_LIMIT",
    "AnswerRow",
    "AssignmentRow",
    "ShownResponse",
    "ShownVersion",
    "answer_rows",
    "assignment_action",
    "assignment_note",
    "client_done",
    "client_home",
    "couple_exercises",
    "couple_high_conflict",
    "hints",
    "occurrence_comment",
    "occurrence_detail",
    "response_review",
    "template_copy",
    "template_detail",
    "template_edit",
    "template_list",
    "template_new",
]
