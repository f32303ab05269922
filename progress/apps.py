from django.apps import AppConfig


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"
    verbose_name = "Progress and measures"

    def ready(self) -> None:
        from progress import receivers  # noqa: F401  # connects the scoring of submitted measures
