from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdministrationsConfig(AppConfig):
    name = "bawaba.administrations"
    label = "administrations"
    verbose_name = _("Administrations")
