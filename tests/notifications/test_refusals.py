"""Marking a notification read: someone else's, or no such one, is a 404, not a quiet redirect."""

from django.urls import reverse

from notifications.models import InAppNotification, ReminderKind


def test_marking_someone_else_s_notification_read_is_404_and_changes_nothing(as_user, partner, other_partner):
    theirs = InAppNotification.objects.create(
        user=other_partner, kind=ReminderKind.EXERCISE_OVERDUE, text="Theirs", url="/"
    )
    response = as_user(partner).post(reverse("notifications:mark_read"), {"id": theirs.pk})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_a_malformed_id_read_is_404(as_user, partner):
    assert as_user(partner).post(reverse("notifications:mark_read"), {"id": "abc"}).status_code == 404
