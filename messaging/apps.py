from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "messaging"
    verbose_name = _("Secure messaging")

    def ready(self) -> None:
        from messaging import receivers, signals
        from notifications import signals as notification_signals
        from progress import signals as progress_signals

        signals.message_posted.connect(receivers.message_posted, dispatch_uid="messaging.message_notices_plan")
        signals.message_read.connect(receivers.message_read, dispatch_uid="messaging.message_notices_cancel")
        notification_signals.message_notices_moot.connect(
            receivers.message_notices_moot, dispatch_uid="messaging.message_notices_moot"
        )
        progress_signals.caseload_attention.connect(
            receivers.caseload_attention, dispatch_uid="messaging.unread_on_the_caseload"
        )
