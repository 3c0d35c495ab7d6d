from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "bawaba.documents"
    label = "documents"
    verbose_name = _("Supporting documents")

    def ready(self) -> None:
        from bawaba.core.contributions import registry
        from bawaba.documents import contributions, contributions_figures, contributions_review

        contributions.register(registry)
        contributions_review.register(registry)
        contributions_figures.register(registry)
