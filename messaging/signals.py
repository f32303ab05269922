"""What messaging tells the rest of the portal.

- message_posted(message_id, thread_id, author_id, thread): a message was
  posted (the first message of a new thread too). Sent inside the posting
  service's transaction, with the thread locked, so what a receiver plans
  (the recipients' notices) commits or rolls back with the message and no
  other post of the thread plans at the same time. ``thread`` is the row
  the service locked, with its couple (the receiver does not look it up
  again).
- message_read(thread_id, user_id): a person marked a thread read. Sent
  inside thread_mark_read's transaction, after the read state is written
  (a pending e-mail about what they have now read can be cancelled with it).

Only ids and the thread's row travel: never a message's text or a file's name.

Their receivers are messaging's own (messaging/receivers.py, connected in
messaging/apps.py): notifications comes before messaging in the app order
and cannot import it, so they work out the recipients and call
notifications.messages (in-app notices at once, one e-mail per burst after
a delay, cancelled when the thread is read in time).
"""

from __future__ import annotations

from django.dispatch import Signal

message_posted = Signal()
message_read = Signal()
