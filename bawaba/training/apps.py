from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "bawaba.training"
    label = "training"
    verbose_name = _("Remote training")

    def ready(self) -> None:
        from bawaba.core.contributions import registry
        from bawaba.training import checks, contributions, receivers  # noqa: F401 - checks registers itself

        contributions.register(registry)
        receivers.connect()
