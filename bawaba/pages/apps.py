from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "bawaba.pages"
    label = "pages"
    verbose_name = _("Legal and help pages")

    def ready(self) -> None:
        # Importing checks registers the deployment checks (the legal notice's settings).
        from bawaba.core.contributions import registry
        from bawaba.pages import checks, contributions  # noqa: F401

        contributions.register(registry)
