"""What accounts tells the rest of the portal. Receivers are connected by the
reacting app in its apps.py (intake, today).

- couple_created(couple_id, actor_id): a couple was invited (by a counselor,
  the front desk, or from a prospective client's request); sent inside the
  transaction that creates it, so what a receiver writes (the intake packet)
  commits or rolls back with the couple.
- safety_mode_changed(user_id, on): a counselor switched a partner's safety
  mode; sent inside safety_mode_set's transaction (notifications cancels the
  pending "your partner has finished" notices about them).
- couple_reassigned(couple_id, previous_counselor_id, counselor_id, actor_id,
  move_future_appointments): a practice admin gave a couple another primary
  counselor; sent inside couple_reassign's transaction (scheduling moves the
  couple's sessions still to come when asked; a ValidationError it raises
  undoes the whole move).

Receivers get ids and re-read what they need.
"""

from __future__ import annotations

from django.dispatch import Signal

from accounts.models import Couple, PartnerSafety, User

couple_created = Signal()
safety_mode_changed = Signal()
couple_reassigned = Signal()


def send_couple_created(*, couple: Couple, actor: User) -> None:
    couple_created.send(sender=Couple, couple_id=couple.pk, actor_id=actor.pk)


def send_couple_reassigned(
    *, couple: Couple, previous_counselor_id: int, actor: User, move_future_appointments: bool
) -> None:
    couple_reassigned.send(
        sender=Couple,
        couple_id=couple.pk,
        previous_counselor_id=previous_counselor_id,
        counselor_id=couple.primary_counselor_id,
        actor_id=actor.pk,
        move_future_appointments=move_future_appointments,
    )


def send_safety_mode_changed(*, user: User, on: bool) -> None:
    safety_mode_changed.send(sender=PartnerSafety, user_id=user.pk, on=on)
