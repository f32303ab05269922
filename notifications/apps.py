from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self) -> None:
        from accounts import signals as account_signals
        from exercises import signals as exercise_signals
        from notifications import receivers
        from notifications.metrics import ReminderQueueCollector
        from portal.metrics import register_collector
        from scheduling import signals as scheduling_signals

        exercise_signals.response_submitted.connect(
            receivers.response_submitted, dispatch_uid="notifications.response_submitted"
        )
        exercise_signals.assignment_status_changed.connect(
            receivers.assignment_status_changed, dispatch_uid="notifications.assignment_status_changed"
        )
        scheduling_signals.appointment_changed.connect(
            receivers.appointment_changed, dispatch_uid="notifications.appointment_changed"
        )
        scheduling_signals.intake_requested.connect(
            receivers.intake_requested, dispatch_uid="notifications.intake_requested"
        )
        account_signals.safety_mode_changed.connect(
            receivers.safety_mode_changed, dispatch_uid="notifications.safety_mode_changed"
        )
        # The reminder queue's depth and age on /metrics.
        register_collector(ReminderQueueCollector())
