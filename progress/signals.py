"""What progress asks of the apps after it.

- caseload_attention(counselor): asked while building a counselor's caseload
  dashboard. A receiver returns {name: AttentionCount}: a count per couple,
  as an SQL expression on the Couple row (correlated on OuterRef("pk")),
  that makes the couple need attention when it is not zero (messaging:
  client messages the counselor has not read). The counts join the
  dashboard's one statement, so they add no query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal
from django.utils.translation import gettext

from accounts.models import Couple, User

caseload_attention = Signal()


@dataclass(frozen=True)
class AttentionCount:
    count: Any  # an integer SQL expression on the Couple row
    one: str  # "unread message" (marked with gettext_noop by the sender: read in the viewer's language)
    many: str  # "unread messages"

    def text(self, n: int) -> str:
        return f"{n} {gettext(self.one if n == 1 else self.many)}"


def attention_counts(*, counselor: User) -> dict[str, AttentionCount]:
    """What the receivers of caseload_attention count, by annotation name."""
    found: dict[str, AttentionCount] = {}
    for _receiver, answer in caseload_attention.send(sender=Couple, counselor=counselor):
        if isinstance(answer, dict):
            found.update(answer)
    return found
