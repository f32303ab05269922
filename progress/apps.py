from django.apps import AppConfig


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"
    verbose_name = "Progress and measures"

    def ready(self) -> None:
        from exercises import signals as exercise_signals
        from progress import receivers

        exercise_signals.response_submitted.connect(
            receivers.response_submitted, dispatch_uid="progress.score_measure_response"
        )
