from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The pages that span stages (home, the candidate's dashboard, the staff home and navigation), composed from
    what the other apps register in bawaba.core.contributions. The top layer: nothing imports it."""

    name = "bawaba.portal"
    label = "portal"
    verbose_name = _("Portal")
