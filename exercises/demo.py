"""Exercise history for the demo practice (called by config.demo).

Each active demo couple gets a few built-ins, once and recurring, with about
four weeks behind them: answers written, some reviewed with a comment, a
ritual logged (mostly confirmed, once by one partner only, once skipped),
one exercise overdue and one draft. It goes through the services, so every
rule and audit record holds as in real use; a couple that already has
exercises is left alone, so running it again changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from accounts.models import Couple, CoupleStatus, User
from exercises import services
from exercises.models import Assignment, Comment, ExerciseTemplate, Occurrence, Response

HISTORY = timedelta(weeks=4)

# Two sets of answers, so that the couples do not all sound alike: (partner one, partner two).
I_STATEMENTS = [
    (
        {
            "i_feel": "I feel left out",
            "when": "plans for the weekend are made in a text to your sister before we have talked",
            "because": "weekends are the only time the two of us have together",
            "would_like": "What I would like is for us to talk about the weekend over dinner on Thursday",
            "reflection": "Slower than just saying it, but I did not feel angry writing it.",
        },
        {
            "i_feel": "I feel tense",
            "when": "the dishes are still in the sink when I come home late",
            "because": "after a long shift I want the kitchen to be a place to rest",
            "would_like": "What I would like is for whoever is home first to clear the sink",
        },
    ),
    (
        {
            "i_feel": "I feel lonely",
            "when": "we both scroll our phones in bed",
            "because": "that half hour used to be when we talked",
            "would_like": "What I would like is phones charging in the kitchen on weeknights",
        },
        {
            "i_feel": "I feel anxious",
            "when": "money comes up late at night",
            "because": "I cannot think clearly when I am tired",
            "would_like": "What I would like is a set time on Sunday morning for bills",
            "reflection": "It helped to name a time instead of just avoiding it.",
        },
    ),
]
CHECK_INS = [
    (
        {
            "high": "Our walk by the water on Saturday, no rush at all.",
            "low": "The argument about the car on Tuesday.",
            "appreciation": "You made my lunch on the morning of my big meeting.",
            "request": "Could we eat at the table, not the couch, twice this week?",
        },
        {
            "high": "Laughing at the old photos with the kids.",
            "low": "Feeling snappy all Wednesday after poor sleep.",
            "appreciation": "You listened when I needed to vent about work.",
            "request": "I would like a text if you are going to be late.",
        },
    ),
    (
        {
            "high": "Cooking together on Friday.",
            "low": "Missing your call on Monday and feeling bad about it.",
            "appreciation": "You booked the dentist for me without being asked.",
            "request": "I would like us to plan one evening out this month.",
        },
        {
            "high": "A quiet morning coffee with you on Sunday.",
            "low": "A hard conversation with my mother.",
            "appreciation": "You gave me space after the phone call and then checked in.",
            "request": "I would like ten minutes to decompress when I get home.",
        },
    ),
]
COMMENTS = [
    "Thank you both. Notice how each request names one small, doable thing: that is exactly the skill.",
    "Lovely work. Let's pick up the point about evenings together in our next session.",
]
# Per ritual period, oldest first: (partner one's log, partner two's log); None means no log.
RITUAL_PATTERN: list[tuple[bool | None, bool | None]] = [
    (True, True),
    (True, True),
    (False, False),
    (True, True),
    (True, None),
    (True, True),
    (True, True),
]
RITUAL_NOTES = ["Coffee on the porch, phones inside.", "Short, but we both showed up.", ""]


def _local(couple: Couple, moment: datetime) -> datetime:
    return timezone.localtime(moment, ZoneInfo(couple.time_zone))


def _assign(couple: Couple, counselor: User, slug: str, at: datetime, **schedule: Any) -> Assignment:
    template = ExerciseTemplate.objects.get(slug=slug, owner__isnull=True)
    return services.assignment_create(
        counselor=counselor,
        couple=couple,
        template=template,
        starts_on=_local(couple, at).date(),
        now=at,
        **schedule,
    )


def _occurrences(assignment: Assignment, now: datetime) -> list[Occurrence]:
    services.occurrences_generate(assignment=assignment, until=now + services.OCCURRENCE_WINDOW)
    return list(assignment.occurrences.order_by("due_at"))


def _review(counselor: User, occurrence: Occurrence, responses: Iterable[Response], comment: str) -> None:
    reviewed_at = occurrence.due_at + timedelta(days=1)
    for response in responses:
        services.response_mark_reviewed(response=response, counselor=counselor, now=reviewed_at)
    made = services.comment_add(counselor=counselor, occurrence=occurrence, body=comment)
    Comment.objects.filter(pk=made.pk).update(created_at=reviewed_at)


def _history(couple: Couple, counselor: User, variant: int, now: datetime) -> None:
    one, two = couple.partner_one, couple.partner_two
    start = now - HISTORY
    in_evening = time(19, 0)

    # "I" statements, once, three weeks ago: both answered, reviewed, with a comment.
    i_statements = _assign(
        couple,
        counselor,
        "i-statements",
        start,
        due_on=_local(couple, start).date() + timedelta(days=6),
        due_time=in_evening,
        note="Pick one small, recent moment, not the biggest issue.",
    )
    (occurrence,) = _occurrences(i_statements, now)
    first, second = I_STATEMENTS[variant % len(I_STATEMENTS)]
    answers = [
        services.response_submit(occurrence=occurrence, user=one, answers=first, now=start + timedelta(days=3)),
        services.response_submit(occurrence=occurrence, user=two, answers=second, now=start + timedelta(days=5)),
    ]
    _review(counselor, occurrence, answers, COMMENTS[variant % len(COMMENTS)])

    # Weekly check-in on Sundays: two weeks done (one reviewed), the last one only
    # partner one answered (late for partner two), and partner two has a draft for the next.
    weekly = _assign(couple, counselor, "weekly-check-in", start, rrule="FREQ=WEEKLY;BYDAY=SU", due_time=in_evening)
    occurrences = _occurrences(weekly, now)
    past = [o for o in occurrences if o.due_at <= now]
    upcoming = [o for o in occurrences if o.due_at > now]
    texts = CHECK_INS[variant % len(CHECK_INS)]
    for index, occurrence in enumerate(past):
        written = occurrence.due_at - timedelta(hours=2)
        mine = services.response_submit(occurrence=occurrence, user=one, answers=texts[index % 2], now=written)
        if index == len(past) - 1:
            break  # partner two has not answered the latest one
        theirs = services.response_submit(
            occurrence=occurrence, user=two, answers=texts[(index + 1) % 2], now=written + timedelta(minutes=30)
        )
        if index == 0:
            _review(counselor, occurrence, [mine, theirs], "Good first check-in. Keep the requests this concrete.")
    if upcoming:
        services.response_save_draft(
            occurrence=upcoming[0], user=two, answers={"high": "Finally finishing the garden bed together."}
        )

    # Rituals of connection, twice a week: logged by both, once by one only, once skipped.
    ritual = _assign(
        couple,
        counselor,
        "rituals-of-connection",
        start,
        rrule="FREQ=WEEKLY;BYDAY=TU,FR",
        due_time=time(8, 0),
        note="Choose one ritual you both like and log it each time it is due.",
    )
    periods = [o for o in _occurrences(ritual, now) if o.due_at <= now]
    # Older periods than the pattern covers were kept by both.
    pattern = [(True, True)] * max(0, len(periods) - len(RITUAL_PATTERN)) + RITUAL_PATTERN
    for position, (occurrence, logs) in enumerate(zip(periods, pattern[len(pattern) - len(periods) :], strict=True)):
        for partner, happened in zip((one, two), logs, strict=True):
            if happened is None:
                continue
            entry: dict[str, Any] = {"ritual": "morning_coffee", "happened": happened}
            if happened:
                entry.update(minutes=20, closeness=4 + position % 2)
                if note := RITUAL_NOTES[position % len(RITUAL_NOTES)]:
                    entry["note"] = note
            services.response_submit(
                occurrence=occurrence, user=partner, answers=entry, now=occurrence.due_at + timedelta(hours=1)
            )

    # Active listening, due two days ago and not done yet: overdue.
    overdue_at = now - timedelta(days=2)
    _assign(
        couple,
        counselor,
        "active-listening",
        now - timedelta(days=9),
        due_on=_local(couple, overdue_at).date(),
        due_time=in_evening,
    )


@transaction.atomic
def demo_exercises_load(*, couples: Iterable[Couple], counselors: Iterable[User], now: datetime) -> None:
    """Give each active couple a few weeks of exercises; a couple that has any
    already is left as it is, so running this again changes nothing.
    ``counselors``: the demo's counselors; a couple's exercises are assigned
    by its primary counselor when that is one of them."""
    allowed = {counselor.pk for counselor in counselors}
    for variant, couple in enumerate(sorted(couples, key=lambda c: c.pk)):
        if couple.status != CoupleStatus.ACTIVE or couple.primary_counselor_id not in allowed:
            continue
        if Assignment.objects.filter(couple=couple).exists():
            continue
        _history(couple, couple.primary_counselor, variant, now)
