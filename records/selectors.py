"""What a person's record holds, read in a fixed number of queries however
much there is (tests/records/test_query_counts.py pins it).

The record is its subject's: everything in it is filtered by what the
*subject* may see (portal.policy: can_view_response, can_view_comment,
thread_scope, can_view_thread), whoever asked for the export. Who may ask,
and for which of the subject's couples, is policy.record_couples: a
counselor's export covers the couples of their caseload only.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q
from django.http import Http404

from accounts.models import Couple, User
from exercises.models import Comment, Response
from intake.models import Signature
from messaging.models import Message, Thread
from portal import policy
from progress.models import MeasureScore
from scheduling.models import AppointmentParticipant


@dataclass(frozen=True)
class Record:
    """A subject's record, as loaded models (records.document turns it into the export)."""

    subject: User
    couples: list[Couple]
    participations: list[AppointmentParticipant]
    responses: list[Response]  # each with visible_comments and versions (prefetched)
    scores: list[MeasureScore]
    signatures: list[Signature]
    threads: list[Thread]  # each with its messages (prefetched, oldest first)

    @property
    def couple_ids(self) -> list[int]:
        return [couple.pk for couple in self.couples]


def record_subject_for(actor: User, user_id: Any) -> User:
    """The client whose record ``actor`` may export, by id; 404 if none (an
    unknown id, a staff account, a client outside the actor's scope)."""
    try:
        subject = User.objects.get(pk=int(user_id))
    except (User.DoesNotExist, TypeError, ValueError):
        raise Http404("No such client.") from None
    if not policy.record_couples(actor, subject).exists():
        raise Http404("No such client.")
    return subject


def _responses(subject: User, couple_ids: list[int]) -> list[Response]:
    """The subject's own answers and their couple's joint ones, each with the
    questions (its assignment), its comments and earlier versions; kept only
    where the reveal rules let the subject read them."""
    comments = Comment.objects.select_related("author").order_by("created_at", "pk")
    candidates = (
        Response.objects.filter(occurrence__assignment__couple_id__in=couple_ids)
        .filter(Q(author=subject) | Q(author__isnull=True))
        .select_related("occurrence__assignment__couple", "occurrence__assignment__template", "author")
        .prefetch_related(Prefetch("comments", queryset=comments), "versions")
        .order_by("occurrence__assignment_id", "occurrence__sequence", "pk")
    )
    shown = []
    for response in candidates:
        if not policy.can_view_response(subject, response, viewer_has_submitted=False):
            continue
        response.visible_comments = [  # type: ignore[attr-defined]
            comment for comment in response.comments.all() if policy.can_view_comment(subject, comment)
        ]
        shown.append(response)
    return shown


def _threads(subject: User, couple_ids: list[int]) -> list[Thread]:
    """The couple's joint conversations and the subject's own private ones,
    never the other partner's (thread_scope of the subject)."""
    scope = policy.thread_scope(subject)
    if scope is None:
        return []
    messages = Message.objects.select_related("author").prefetch_related("attachments").order_by("created_at", "pk")
    threads = (
        Thread.objects.filter(scope, couple_id__in=couple_ids)
        .select_related("couple", "partner", "started_by")
        .prefetch_related(Prefetch("messages", queryset=messages))
        .order_by("created_at", "pk")
    )
    return [thread for thread in threads if policy.can_view_thread(subject, thread)]


def _as_reader(subject: User) -> User:
    """The subject as the reveal rules judge what they may read. A client
    whose account the practice closed (inactive) keeps the right to their
    record, which staff then export for them: the rules see them as the
    client they were (an in-memory copy, never saved), so the export holds
    what it held before the closing, no more and no less."""
    if subject.is_active:
        return subject
    reader = copy.copy(subject)
    reader.is_active = True
    return reader


def record_of(*, actor: User, subject: User) -> Record:
    """``subject``'s record, as far as ``actor`` may export it (404 if not at all)."""
    couples = list(policy.record_couples(actor, subject).order_by("started_on", "pk"))
    if not couples:
        raise Http404("No such client.")
    couple_ids = [couple.pk for couple in couples]
    participations = list(
        AppointmentParticipant.objects.filter(user=subject, appointment__couple_id__in=couple_ids)
        .select_related("appointment__counselor", "appointment__location")
        .order_by("appointment__start", "appointment_id")
    )
    scores = list(
        MeasureScore.objects.filter(partner=subject, couple_id__in=couple_ids)
        .select_related("measure")
        .order_by("submitted_at", "pk")
    )
    signatures = list(
        Signature.objects.filter(signer=subject, couple_id__in=couple_ids)
        .select_related("version__document", "revocation")
        .order_by("signed_at", "pk")
    )
    return Record(
        subject=subject,
        couples=couples,
        participations=participations,
        responses=_responses(_as_reader(subject), couple_ids),
        scores=scores,
        signatures=signatures,
        threads=_threads(_as_reader(subject), couple_ids),
    )
