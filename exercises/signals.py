"""What exercises tells the rest of the portal. Both are sent inside the
transaction that makes the change, so what a receiver writes commits or
rolls back with it. Receivers are connected by the reacting app in its
apps.py: notifications (reminders) and progress (measure scores).

- response_submitted(occurrence, response, now): a partner submitted an
  answer, or edited a submitted one.
- assignment_status_changed(assignment, now): a counselor paused, resumed
  or ended an assignment.
"""

from __future__ import annotations

from django.dispatch import Signal

response_submitted = Signal()
assignment_status_changed = Signal()
