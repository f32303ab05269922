"""A seeded generator of caseload history, written with bulk_create so that
200 couples with 12 weeks each take seconds (tests and bench/dashboard.py).

Per couple: a weekly exercise (each partner answers; weeks are left out at
random, so some weeks have nothing due), a measure every two weeks (scored as
progress.services would score it), sometimes a joint weekly ritual, answers
submitted with a per-couple diligence, some reviewed, a comment or two, one
attended appointment in the past and one booked ahead. Nothing goes through
the services: it is the raw rows the figures are computed from."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from accounts.models import Couple, CoupleStatus, User
from exercises.models import (
    Assignment,
    Comment,
    CompletionMode,
    ExerciseTemplate,
    Occurrence,
    Response,
    ResponseState,
    TemplateKind,
    Visibility,
)
from progress import scoring, services
from progress.builtin import EMOTIONAL_INTIMACY
from progress.models import Measure, MeasureScore
from scheduling.models import Appointment, AppointmentStatus, Location

WEEKS = 12
ZONES = ["America/Los_Angeles", "America/New_York", "Europe/Berlin"]


@dataclass
class Templates:
    weekly: ExerciseTemplate
    ritual: ExerciseTemplate
    measure: ExerciseTemplate
    measure_model: Measure


def templates_for(counselor: User) -> Templates:
    weekly, _ = ExerciseTemplate.objects.get_or_create(
        owner=counselor,
        slug="generated-weekly",
        defaults={
            "title": "Weekly check-in",
            "summary": "s",
            "instructions": "i",
            "fields": [
                {
                    "key": "note",
                    "kind": "short_text",
                    "label": "Note",
                    "help_text": "",
                    "required": True,
                    "max_length": 200,
                    "blame_hints": False,
                }
            ],
        },
    )
    ritual, _ = ExerciseTemplate.objects.get_or_create(
        owner=counselor,
        slug="generated-ritual",
        defaults={
            "title": "Evening walk",
            "summary": "s",
            "instructions": "i",
            "kind": TemplateKind.PRACTICE,
            "completion_mode": CompletionMode.JOINT,
            "visibility": Visibility.AT_ONCE,
            "fields": [
                {"key": "happened", "kind": "yes_no", "label": "Did it happen?", "help_text": "", "required": True}
            ],
        },
    )
    measure = Measure.objects.get(slug=EMOTIONAL_INTIMACY, owner=None)
    return Templates(weekly, ritual, services.measure_template(measure=measure, counselor=counselor), measure)


_counter = [0]


def generate(
    counselor: User, n: int, *, now: datetime, seed: int = 1, location: Location | None = None
) -> list[Couple]:
    """Add ``n`` couples with WEEKS weeks of history to the counselor's caseload."""
    rng = random.Random(seed)
    t = templates_for(counselor)
    location = (
        location
        or Location.objects.get_or_create(
            slug="generated-office", defaults={"name": "Generated office", "city": "Seattle", "phone": "(206) 555-0100"}
        )[0]
    )
    batch = _counter[0] = _counter[0] + 1
    tag = f"g{seed}b{batch}"
    users = User.objects.bulk_create(
        [
            User(email=f"{tag}-{i}-{side}@gen.test", full_name=f"{rng.choice(NAMES)} {tag}{i}{side}", password="!")
            for i in range(n)
            for side in "ab"
        ]
    )
    statuses = [CoupleStatus.ACTIVE] * 8 + [CoupleStatus.PAUSED]
    couples = Couple.objects.bulk_create(
        [
            Couple(
                partner_one=users[2 * i],
                partner_two=users[2 * i + 1],
                primary_counselor=counselor,
                status=rng.choice(statuses),
                started_on=(now - timedelta(weeks=WEEKS + rng.randint(0, 8))).date(),
                time_zone=rng.choice(ZONES),
            )
            for i in range(n)
        ]
    )
    start = now - timedelta(weeks=WEEKS)
    assignments: list[tuple[Assignment, int, float]] = []  # (assignment, period in days, diligence)
    for couple in couples:
        diligence = rng.choice([0.0, 0.3, 0.6, 0.9, 1.0])
        plan = [(t.weekly, 7), (t.measure, 14)] + ([(t.ritual, 7)] if rng.random() < 0.4 else [])
        for template, period in plan:
            a = Assignment(
                template=template,
                couple=couple,
                assigned_by=counselor,
                fields=template.fields,
                completion_mode=template.completion_mode,
                visibility=template.visibility,
                starts_on=start.date(),
                rrule=f"FREQ=WEEKLY;INTERVAL={period // 7}",
                due_time=time(19, 0),
                generate_from=start,
            )
            assignments.append((a, period, diligence))
    Assignment.objects.bulk_create([a for a, _, _ in assignments])

    occurrences: list[tuple[Occurrence, Assignment, float]] = []
    for a, period, diligence in assignments:
        due = start + timedelta(hours=rng.randint(0, 24 * 6))
        sequence = 0
        while due < now + timedelta(days=7):
            sequence += 1
            if rng.random() > 0.25:  # a quarter of the periods were never scheduled (a pause, say)
                occurrences.append((Occurrence(assignment=a, sequence=sequence, due_at=due), a, diligence))
            due += timedelta(days=period)
    Occurrence.objects.bulk_create([o for o, _, _ in occurrences])

    responses: list[Response] = []
    for occurrence, a, diligence in occurrences:
        if occurrence.due_at > now:
            continue
        couple = a.couple
        authors = [None] if a.completion_mode == CompletionMode.JOINT else [couple.partner_one, couple.partner_two]
        submitted_all = True
        for author in authors:
            if rng.random() >= diligence:
                submitted_all = False
                continue
            at = occurrence.due_at - timedelta(hours=rng.randint(1, 60))
            if a.template_id == t.measure.pk:
                answers = {item["key"]: rng.randint(1, 5) for item in t.measure_model.items}
            elif a.template_id == t.ritual.pk:
                answers = {"happened": rng.random() < 0.8}
            else:
                answers = {"note": "fine"}
            reviewed = rng.random() < 0.6 and at < now - timedelta(days=1)
            responses.append(
                Response(
                    occurrence=occurrence,
                    author=author,
                    last_edited_by=author or couple.partner_one,
                    state=ResponseState.SUBMITTED,
                    answers=answers,
                    submitted_at=at,
                    reviewed_at=at + timedelta(hours=12) if reviewed else None,
                    reviewed_by=counselor if reviewed else None,
                )
            )
        if submitted_all:
            occurrence.completed_at = occurrence.due_at
    Response.objects.bulk_create(responses)
    Occurrence.objects.bulk_update([o for o, _, _ in occurrences if o.completed_at], ["completed_at"])

    measure = t.measure_model
    scores = []
    for r in responses:
        if r.occurrence.assignment.template_id != t.measure.pk:
            continue
        value = scoring.compute_score(measure.items, measure.scoring, r.answers)
        assert value is not None
        scores.append(
            MeasureScore(
                response=r,
                measure=measure,
                couple=r.occurrence.assignment.couple,
                partner=r.author,
                score=value,
                band=scoring.band_for(measure.bands, value),
                submitted_at=r.submitted_at,
            )
        )
    MeasureScore.objects.bulk_create(scores)
    Comment.objects.bulk_create(
        [
            Comment(occurrence=r.occurrence, response=r, author=counselor, body="Thank you.")
            for r in responses
            if r.reviewed_at and rng.random() < 0.3
        ]
    )
    # Appointments: a slot each, 61 minutes apart per counselor, so none overlap.
    slot = Appointment.objects.filter(counselor=counselor).count()
    appointments = []
    for couple in couples:
        past = now - timedelta(days=1, minutes=slot * 61)
        slot += 1
        appointments.append(
            Appointment(
                counselor=counselor,
                couple=couple,
                location=location,
                start=past,
                end=past + timedelta(minutes=50),
                status=AppointmentStatus.COMPLETED,
            )
        )
        if rng.random() < 0.8:
            ahead = now + timedelta(days=1, minutes=slot * 61)
            slot += 1
            appointments.append(
                Appointment(
                    counselor=counselor,
                    couple=couple,
                    location=location,
                    start=ahead,
                    end=ahead + timedelta(minutes=50),
                )
            )
    Appointment.objects.bulk_create(appointments)
    return couples


NAMES = ["Ari", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jon", "Kai", "Lou", "Max", "Nia", "Oz"]
