"""Fixtures of the retention tests: Sam and Riley (Dana's couple) and Jo and
Kim (Owen's) each with a bit of every clinical content retention erases,
marked so a test can look for it: ERASE-... for Sam and Riley, KEEP-... for
Jo and Kim; and ``close`` to close a couple some years ago."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Couple, CoupleStatus, User
from exercises import services as exercise_services
from exercises.models import Occurrence
from messaging import services as messaging_services
from progress import services as progress_services
from progress.builtin import EMOTIONAL_INTIMACY
from progress.models import Measure
from tests.messaging.conftest import _png

FIELDS: list[dict[str, Any]] = [
    {"key": "feeling", "kind": "short_text", "label": "I feel…", "required": True, "max_length": 80},
]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def _first(assignment) -> Occurrence:
    return Occurrence.objects.filter(assignment=assignment).order_by("sequence").first()


def fill(couple: Couple, counselor: User, mark: str) -> SimpleNamespace:
    """An answer edited once (two versions) with a comment, an assignment
    note, a measure's score, a joint conversation with an edited message and
    a picture, and a private one: every text carries ``mark``."""
    one, two = couple.partner_one, couple.partner_two
    template = exercise_services.template_create(
        owner=counselor,
        title=f"Check-in {couple.pk}",
        summary="A weekly check-in.",
        instructions="Write a line.",
        fields=FIELDS,
        visibility="at_once",
        completion_mode="each_partner",
    )
    assignment = exercise_services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
        note=f"{mark}-NOTE",
    )
    occurrence = _first(assignment)
    exercise_services.response_submit(occurrence=occurrence, user=one, answers={"feeling": f"{mark}-FIRST"})
    answer = exercise_services.response_submit(occurrence=occurrence, user=one, answers={"feeling": f"{mark}-EDITED"})
    exercise_services.comment_add(counselor=counselor, response=answer, body=f"{mark}-COMMENT")
    measure = Measure.objects.get(slug=EMOTIONAL_INTIMACY, owner=None)
    measured = progress_services.measure_assign(
        counselor=counselor,
        couple=couple,
        measure=measure,
        starts_on=timezone.localdate(),
        due_on=timezone.localdate() + timedelta(days=1),
        due_time=time(19, 0),
    )
    exercise_services.response_submit(
        occurrence=_first(measured), user=two, answers={i["key"]: 4 for i in measure.items}
    )
    joint = messaging_services.thread_start(
        actor=counselor, couple=couple, kind="joint", subject=f"{mark}-SUBJECT", body=f"{mark}-HELLO"
    )
    posted = messaging_services.message_post(
        actor=one,
        thread=joint,
        body=f"{mark}-REPLY",
        files=[SimpleUploadedFile("us.png", _png(), content_type="image/png")],
    )
    messaging_services.message_edit(actor=one, message=posted, body=f"{mark}-REPLY-EDITED")
    messaging_services.thread_start(actor=counselor, couple=couple, kind="private", partner=two, body=f"{mark}-PRIVATE")
    return SimpleNamespace(answer=answer, joint=joint, message=posted)


@pytest.fixture
def sams_content(couple, counselor):
    return fill(couple, counselor, "ERASE")


@pytest.fixture
def jos_content(other_couple, other_counselor):
    return fill(other_couple, other_counselor, "KEEP")


@pytest.fixture
def close():
    """close(couple, actor, years_ago=0, days=0) -> the couple, closed that long ago."""

    def run(couple: Couple, actor: User, *, years_ago: int = 0, days: int = 0) -> Couple:
        account_services.couple_set_status(couple=couple, status=CoupleStatus.CLOSED, actor=actor)
        when: datetime = timezone.now() - timedelta(days=days)
        when = when.replace(year=when.year - years_ago)
        Couple.objects.filter(pk=couple.pk).update(closed_at=when)
        couple.refresh_from_db()
        return couple

    return run
