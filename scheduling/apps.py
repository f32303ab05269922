from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = "Locations and appointments"

    def ready(self) -> None:
        from accounts.signals import couple_reassigned
        from scheduling import receivers

        couple_reassigned.connect(receivers.move_future_appointments, dispatch_uid="scheduling.couple_reassigned")
