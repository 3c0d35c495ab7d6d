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
