from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldworkConfig(AppConfig):
    name = "bawaba.fieldwork"
    label = "fieldwork"
    verbose_name = _("In-person training")

    def ready(self) -> None:
        from bawaba.core.contributions import registry
        from bawaba.fieldwork import contributions, receivers

        contributions.register(registry)
        receivers.connect()
