"""Business rules of secure messaging: every change goes through a function
here, which checks its own permission (portal.policy), validates, locks what
it must and writes an audit row (ids only, never a message's text or a
file's name). One module per subject, re-exported: threads, messages, reading.
"""

from messaging.services.erasure import couple_messages_erase
from messaging.services.messages import message_delete, message_edit, message_post
from messaging.services.reading import thread_mark_read, threads_record_access
from messaging.services.threads import thread_start

__all__ = [
    "couple_messages_erase",
    "message_delete",
    "message_edit",
    "message_post",
    "thread_mark_read",
    "thread_start",
    "threads_record_access",
]
