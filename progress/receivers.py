"""How progress reacts to exercises; connected in ProgressConfig.ready().

An answer to a measure is scored when a partner submits (or edits) it. The
signal is sent inside response_submit's transaction, so an answer to a
measure is never stored without its score."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from exercises.models import Occurrence, Response
from progress.services import measure_score_response


def response_submitted(sender: type, occurrence: Occurrence, response: Response, now: datetime, **kwargs: Any) -> None:
    measure_score_response(response)
