from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def create_cache_table(*, using: str = "default", verbosity: int = 1, **kwargs: object) -> None:
    """The database cache's table, made by every `migrate` (demo data, deployments, test databases alike).

    `createcachetable` is not a migration; hanging it on post_migrate means no path can migrate and forget it. It
    does nothing when no cache uses the database, and leaves an existing table alone.
    """
    from django.core.management import call_command

    call_command("createcachetable", database=using, verbosity=verbosity)


class CoreConfig(AppConfig):
    name = "bawaba.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Once per migrate (sender: this app), not once per installed app.
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="bawaba.core.create_cache_table")
