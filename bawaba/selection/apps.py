from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "bawaba.selection"
    label = "selection"
    verbose_name = _("Selection")

    def ready(self) -> None:
        from bawaba.core.contributions import registry
        from bawaba.selection import contributions

        contributions.register(registry)
