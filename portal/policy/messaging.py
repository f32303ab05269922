"""Secure messaging. See portal/policy/__init__.py for the rules as a whole.

- A couple's **counselors** (its caseload) see every thread of the couple,
  joint and private, start any (no joint thread while the couple is marked
  high-conflict) and post in them. Each read of a thread by staff is audited.
- A **partner** sees the couple's joint threads and their own private
  threads, never the other partner's (not even that one exists: 404). They
  start a thread only if the practice allows it (MessagingSettings), and only
  the joint one (not while high-conflict) or a private one of their own.
  A joint thread of a couple marked high-conflict is read-only for them.
- A **practice admin** never sees a thread's content: thread_scope is None
  for them; thread_metadata_scope gives them every thread for counts only.
- A closed couple's threads are kept and read, not written to.
- The author of a message may edit or delete it for EDIT_WINDOW after
  sending it.

``messaging.selectors.threads_visible_to`` applies thread_scope in SQL;
tests/messaging/test_policy.py checks that it and can_view_thread agree.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q

from accounts.models import Couple, CoupleStatus, Role, User
from messaging.models import Attachment, Message, MessagingSettings, Thread, ThreadKind
from portal.policy.base import _active, is_practice_admin
from portal.policy.couples import caseload_couple_ids, is_on_caseload, is_partner_in
from portal.policy.exercises import is_high_conflict

EDIT_WINDOW = timedelta(minutes=5)


def thread_scope(user: User) -> Q | None:
    """Which threads a user may read, as a filter on Thread; None for none."""
    if not _active(user):
        return None
    if user.role == Role.COUNSELOR:
        return Q(couple__in=caseload_couple_ids(user))
    if user.role == Role.CLIENT:
        joint = Q(kind=ThreadKind.JOINT) & (Q(couple__partner_one=user) | Q(couple__partner_two=user))
        return joint | Q(kind=ThreadKind.PRIVATE, partner=user)
    return None


def thread_metadata_scope(user: User) -> Q | None:
    """Which threads a user may count (how many, when, of which kind; never
    what was written): practice admins all of them, everyone else what they read."""
    if is_practice_admin(user):
        return Q()
    return thread_scope(user)


def can_view_thread(user: User, thread: Thread) -> bool:
    """thread_scope for one thread."""
    if not _active(user):
        return False
    if user.role == Role.COUNSELOR:
        return is_on_caseload(user, thread.couple)
    if user.role == Role.CLIENT:
        if thread.kind == ThreadKind.PRIVATE:
            return thread.partner_id == user.pk
        return thread.kind == ThreadKind.JOINT and is_partner_in(user, thread.couple)
    return False


def can_start_thread(user: User, couple: Couple, kind: str, partner: User | None) -> bool:
    """Start a conversation of ``kind`` with the couple (``partner``: the
    partner of a private one). Practice admins never do."""
    if not _active(user) or couple.status == CoupleStatus.CLOSED:
        return False
    if kind == ThreadKind.JOINT:
        if partner is not None or is_high_conflict(couple):
            return False
    elif kind == ThreadKind.PRIVATE:
        if partner is None or not is_partner_in(partner, couple):
            return False
    else:
        return False
    if user.role == Role.COUNSELOR:
        return is_on_caseload(user, couple)
    if user.role == Role.CLIENT:
        if not is_partner_in(user, couple) or not MessagingSettings.load().clients_may_start_threads:
            return False
        return kind == ThreadKind.JOINT or (partner is not None and partner.pk == user.pk)
    return False


def can_post(user: User, thread: Thread) -> bool:
    """Write in a thread: whoever reads it, while the couple is not closed;
    a partner not in the joint thread of a couple marked high-conflict."""
    if not can_view_thread(user, thread) or thread.couple.status == CoupleStatus.CLOSED:
        return False
    if user.role == Role.CLIENT and thread.kind == ThreadKind.JOINT:
        return not is_high_conflict(thread.couple)
    return True


def can_edit_message(user: User, message: Message, now: datetime) -> bool:
    """Edit or delete a message: its author, within EDIT_WINDOW of sending
    it, while it is not deleted and they may still write in the thread."""
    return (
        message.author_id == user.pk
        and message.deleted_at is None
        and now - message.created_at <= EDIT_WINDOW
        and can_post(user, message.thread)
    )


def can_see_read_states(user: User, thread: Thread) -> bool:
    """Who has read a thread up to when: the couple's counselors."""
    return _active(user) and user.role == Role.COUNSELOR and is_on_caseload(user, thread.couple)


def can_download_attachment(user: User, attachment: Attachment) -> bool:
    """Whoever reads the thread, while the message is not deleted (else 404)."""
    message = attachment.message
    return message.deleted_at is None and can_view_thread(user, message.thread)


def thread_read_is_audited(user: User, thread: Thread) -> bool:
    """A partner reading their couple's thread is not recorded; staff reads are."""
    return not (user.role == Role.CLIENT and is_partner_in(user, thread.couple))


def can_use_messages(user: User) -> bool:
    """Has a messages page: counselors and clients (practice admins never read messages)."""
    return _active(user) and user.role in (Role.COUNSELOR, Role.CLIENT)


def can_see_messaging_activity(user: User) -> bool:
    """How much each couple uses messaging (counts and times, never what was
    written or a subject): practice admins, for support."""
    return is_practice_admin(user)


def may_start_threads(user: User) -> bool:
    """Offered "New conversation": counselors always; clients when the practice
    lets them (which couple and kind: can_start_thread)."""
    if not _active(user):
        return False
    if user.role == Role.COUNSELOR:
        return True
    return user.role == Role.CLIENT and MessagingSettings.load().clients_may_start_threads
