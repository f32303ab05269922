"""Read side of progress: a couple's figures and the counselor's caseload dashboard.

Both are computed with a fixed number of queries whatever the size of the
caseload or the history (the dashboard: one statement, see
dashboard.dashboard_queryset). Who sees what:

- a couple's progress: the caseload's counselors, and the couple's partners,
  each partner seeing the other's scores only where the reveal rules let them
  read the answer behind it (exercises.selectors.responses_visible_to), and
  only their own completion; practice admins get 404;
- the dashboard: counselors, for their caseload.

One module per subject: weeks (and completion per week), scores (and the
measures to choose from), timeline, rituals, couple (a couple's progress, all
of it), dashboard (the caseload). Every name is re-exported here.
"""

from progress.db import AnyOf as _AnyOf
from progress.selectors.couple import CoupleProgress, couple_progress, progress_couple_for
from progress.selectors.dashboard import (
    _EXERCISE_COLUMNS,
    _OCCURRENCE,
    _PER_COUPLE,
    _RESPONSE,
    DASHBOARD_DAYS,
    INACTIVE_DAYS,
    STATUS_FILTERS,
    CaseloadCouple,
    DashboardRow,
    PartnerFigures,
    Person,
    Reason,
    _full_name,
    _latest_score,
    _on_caseload,
    _partner,
    _plural,
    _previous_score,
    _rate,
    _row,
    _scores,
    dashboard,
    dashboard_queryset,
    dashboard_row,
)
from progress.selectors.rituals import rituals_for
from progress.selectors.scores import MeasureSeries, ScorePoint, measures_visible_to, score_series, scores_visible_to
from progress.selectors.timeline import TIMELINE_LIMIT, TimelineEvent, timeline
from progress.selectors.weeks import WEEKS, CompletionWeek, WeekFigure, _done_by, completion_by_week, week_starts

__all__ = [
    "DASHBOARD_DAYS",
    "INACTIVE_DAYS",
    "STATUS_FILTERS",
    "TIMELINE_LIMIT",
    "WEEKS",
    "_EXERCISE_COLUMNS",
    "_OCCURRENCE",
    "_PER_COUPLE",
    "_RESPONSE",
    "CaseloadCouple",
    "CompletionWeek",
    "CoupleProgress",
    "DashboardRow",
    "MeasureSeries",
    "PartnerFigures",
    "Person",
    "Reason",
    "ScorePoint",
    "TimelineEvent",
    "WeekFigure",
    "_AnyOf",
    "_done_by",
    "_full_name",
    "_latest_score",
    "_on_caseload",
    "_partner",
    "_plural",
    "_previous_score",
    "_rate",
    "_row",
    "_scores",
    "completion_by_week",
    "couple_progress",
    "dashboard",
    "dashboard_queryset",
    "dashboard_row",
    "measures_visible_to",
    "progress_couple_for",
    "rituals_for",
    "score_series",
    "scores_visible_to",
    "timeline",
    "week_starts",
]
