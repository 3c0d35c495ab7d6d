from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "bawaba.campaigns"
    label = "campaigns"
    verbose_name = _("Recruitment campaigns")

    def ready(self) -> None:
        from bawaba.campaigns import contributions
        from bawaba.core.contributions import registry

        contributions.register(registry)
