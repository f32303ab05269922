from django.apps import AppConfig


class IntakeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "intake"
    verbose_name = "Documents and consent"

    def ready(self) -> None:
        from accounts import signals as account_signals
        from exercises import signals as exercise_signals
        from intake import receivers
        from scheduling import signals as scheduling_signals

        account_signals.couple_created.connect(receivers.couple_created, dispatch_uid="intake-packet-for-new-couple")
        scheduling_signals.confirmation_hold.connect(
            receivers.confirmation_hold, dispatch_uid="intake-hold-first-appointment"
        )
        scheduling_signals.appointment_changed.connect(
            receivers.appointment_changed, dispatch_uid="intake-paperwork-reminders"
        )
        exercise_signals.response_submitted.connect(receivers.response_submitted, dispatch_uid="intake-answers")
