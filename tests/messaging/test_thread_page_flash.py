"""A conversation's page shows the portal's flash messages (its own messages
are not passed to the template under the name base.html reads them by)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from messaging.models import Message


def test_a_refused_delete_is_explained_on_the_conversation_page(joint, counselor, as_user):
    message = joint.messages.get()
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=10))

    response = as_user(counselor).post(f"/messages/m/{message.pk}/delete/", follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(f"/messages/{joint.pk}/")
    assert '<div class="messages"' in page
    assert "A message can be changed by its author only, for 5 minutes after sending it." in page
    assert f"Message {message.pk} in thread" not in page
