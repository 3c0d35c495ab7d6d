from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "bawaba.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from bawaba.accounts.permissions import is_central_admin
        from bawaba.core.contributions import StaffMenuEntry, registry
        from bawaba.notifications.services import queue_email

        # The outbox port of the apps below this one (accounts): see bawaba/core/contributions.py.
        registry.set_outbox(queue_email)
        registry.add_staff_entry(
            StaffMenuEntry(
                key="notifications.outbox",
                label=_("E-mail outbox"),
                url_name="notifications:staff_outbox",
                allowed=is_central_admin,
                order=90,
                description=_(
                    "Every e-mail the platform sends: waiting, sent or failed, with the last error."
                ),
            )
        )
        registry.add_staff_entry(
            StaffMenuEntry(
                key="notifications.mailings",
                label=_("Mailings"),
                url_name="notifications:staff_mailings",
                allowed=is_central_admin,
                order=91,
                description=_(
                    "Mass e-mails: their progress, rate and time left; pause, resume or cancel; the servers' answers."
                ),
            )
        )
        registry.add_staff_entry(
            StaffMenuEntry(
                key="notifications.files",
                label=_("Your prepared files"),
                url_name="notifications:staff_files",
                # Only national lists are prepared by a worker so far: a central administrator's.
                allowed=is_central_admin,
                order=92,
                description=_("National lists made by a worker for you, to download for a few days."),
            )
        )
