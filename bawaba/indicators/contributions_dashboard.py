"""What the staff campaign dashboard adds to the registry (bawaba.core.contributions): its entry in the staff menu,
for the readers of applications (each sees her own scope). IndicatorsConfig.ready() calls `register`."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any
from bawaba.core.contributions import Registry, StaffMenuEntry


def register(registry: Registry) -> None:
    registry.add_staff_entry(
        StaffMenuEntry(
            key="indicators.dashboard",
            label=_("Campaign indicators"),
            url_name="indicators_staff:campaigns",
            allowed=holds_any(*APPLICATION_READERS),
            order=12,
            description=_(
                "Each campaign's figures over your area: registrations, candidacies against needs, preselection, "
                "training, documents, interviews and e-mails, with charts and CSV or XLSX downloads."
            ),
        )
    )
