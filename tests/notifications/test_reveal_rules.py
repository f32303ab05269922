"""'Your partner has finished' crosses the reveal rules: a couple marked
high-conflict after it was planned never gets it."""

from notifications.models import InAppNotification, Reminder, ReminderKind, ReminderState


def test_a_partner_finished_notice_is_not_sent_once_the_couple_is_high_conflict(
    live_occurrence, couple, counselor, make_reminder, sweep
):
    from exercises import services as exercise_services

    riley = couple.partner_two
    reminder = make_reminder(live_occurrence, riley, kind=ReminderKind.PARTNER_FINISHED)
    exercise_services.couple_set_high_conflict(couple=couple, counselor=counselor, high_conflict=True)
    sweep()
    reminder.refresh_from_db()
    assert reminder.state == ReminderState.CANCELLED
    assert not InAppNotification.objects.filter(user=riley).exists()
    assert Reminder.objects.filter(kind=ReminderKind.PARTNER_FINISHED, state=ReminderState.SENT).count() == 0
