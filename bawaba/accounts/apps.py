from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "bawaba.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Importing checks registers the start-up checks.
        from bawaba.accounts import checks, contributions  # noqa: F401
        from bawaba.core.contributions import registry

        contributions.register(registry)

        from django.contrib.auth.signals import user_logged_in

        from bawaba.accounts.twofactor.middleware import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="bawaba_staff_idle_from_sign_in")
