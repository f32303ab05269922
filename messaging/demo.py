"""The demo practice's conversations: for its first couple, a joint one
between sessions and a private one with the first partner (the other
partner never sees it). Running it again changes nothing."""

from __future__ import annotations

from accounts.models import Couple
from messaging import services
from messaging.models import Thread, ThreadKind


def demo_messages_load(*, couple: Couple) -> None:
    if Thread.objects.filter(couple=couple).exists():
        return
    counselor = couple.primary_counselor
    one, two = couple.partner_one, couple.partner_two
    joint = services.thread_start(
        actor=counselor,
        couple=couple,
        kind=ThreadKind.JOINT,
        subject="After Tuesday's session",
        body=(
            "Thank you both for Tuesday. This week, try the ten-minute check-in on two evenings: "
            "one of you talks, the other only listens and says back what they heard. "
            "Tell me here how the first one went."
        ),
    )
    services.message_post(
        actor=one, thread=joint, body="We did it on Wednesday. Harder than it sounds, but we finished it calmly."
    )
    services.message_post(actor=two, thread=joint, body="Agreed. Can we talk about weekends next time?")
    services.message_post(actor=counselor, thread=joint, body="Yes, let's put weekends first on Tuesday.")
    private = services.thread_start(
        actor=counselor,
        couple=couple,
        kind=ThreadKind.PRIVATE,
        partner=one,
        subject="A word with you",
        body=(
            "You seemed quiet at the end of Tuesday's session. "
            "Is there anything you'd like me to know before next time?"
        ),
    )
    services.message_post(
        actor=one, thread=private, body="I was tired, that's all. I'd like to talk about my work hours, though."
    )
