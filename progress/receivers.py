"""Score a measure when a partner submits (or edits) an answer to it.

The answer is written by exercises.services.response_submit, inside its
transaction; the score is written in the same transaction, so an answer to a
measure is never stored without its score."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from exercises.models import Response, ResponseState


@receiver(post_save, sender=Response, dispatch_uid="progress.score_measure_response")
def score_measure_response(sender: type[Response], instance: Response, **kwargs: Any) -> None:
    if instance.state != ResponseState.SUBMITTED or kwargs.get("raw"):
        return
    from progress.services import measure_score_response

    measure_score_response(instance)
