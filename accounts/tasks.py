from celery import shared_task

from accounts import services


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> bool:
    return services.invitation_send_email(invitation_id=invitation_id)


@shared_task(name="accounts.send_rendered_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_rendered_email(message: dict) -> int:
    """Send an e-mail rendered by the web process (allauth's password mails,
    see adapters.PortalAccountAdapter.send_mail)."""
    return services.email_from_dict(message).send()
