from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and couples"

    def ready(self) -> None:
        from allauth.account import signals as allauth_signals
        from django.contrib.auth.signals import user_logged_in

        from accounts import receivers

        for signal in (allauth_signals.password_changed, allauth_signals.password_set, allauth_signals.password_reset):
            signal.connect(receivers.password_changed, dispatch_uid=f"accounts-revoke-tokens-{id(signal)}")
        user_logged_in.connect(receivers.logged_in, dispatch_uid="accounts-language-at-login")
