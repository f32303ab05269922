from django.apps import AppConfig


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = "Secure messaging"

    def ready(self) -> None:
        from messaging import receivers, signals

        signals.message_posted.connect(receivers.message_posted, dispatch_uid="messaging.message_notices_plan")
        signals.message_read.connect(receivers.message_read, dispatch_uid="messaging.message_notices_cancel")
