from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    """The indicator layer: the campaigns' figures and their open data (so far, small-cell suppression)."""

    name = "bawaba.indicators"
    label = "indicators"
    verbose_name = _("Monitoring indicators")

    def ready(self) -> None:
        from bawaba.core.contributions import registry
        from bawaba.indicators import contributions, contributions_dashboard
        from bawaba.indicators.opendata import contributions as open_data

        contributions.register(registry)
        contributions_dashboard.register(registry)
        open_data.register(registry)
