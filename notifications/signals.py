"""What notifications asks the apps after it.

- message_notices_moot(notices): asked by delivery, inside its transaction,
  before an e-mail about a new message goes out. ``notices`` is a list of
  (reminder_id, thread_id, recipient_id). A receiver (messaging) returns the
  reminder ids whose recipient may no longer read the thread (taken off the
  couple's caseload, or the couple closed meanwhile...): those are cancelled,
  not sent. notifications comes before messaging in the app order and cannot
  look at a thread itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django.dispatch import Signal

message_notices_moot = Signal()


def moot_message_notices(notices: Sequence[tuple[int, int, int]]) -> set[int]:
    """The reminder ids among ``notices`` that the receivers say are moot."""
    if not notices:
        return set()
    moot: set[int] = set()
    for _receiver, answer in message_notices_moot.send(sender=None, notices=list(notices)):
        moot.update(cast("set[int] | None", answer) or ())
    return moot
