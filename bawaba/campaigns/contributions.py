"""What the campaigns app registers, in CampaignsConfig.ready(): the e-mail it sends, its staff pages and her
applications in her personal-data download."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any, is_central_admin
from bawaba.campaigns.personal_data import application_records
from bawaba.core.contributions import EmailKind, PersonalDataProvider, Registry, StaffMenuEntry

APPLICATION_RECEIVED = EmailKind(
    key="application_received",
    label=_("Application received"),
    template_prefix="campaigns/email/application_received",
)


def register(registry: Registry) -> None:
    registry.add_email_kind(APPLICATION_RECEIVED)
    registry.add_personal_data(
        PersonalDataProvider(
            key="campaigns.applications", label=_("Applications"), records=application_records, order=20
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="campaigns.applications",
            label=_("Applications (staff)"),
            url_name="staff:applications",
            allowed=holds_any(*APPLICATION_READERS),
            order=10,
            description=_("Search the applications in your area, read one, download them."),
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="campaigns.setup",
            label=_("Campaigns (set-up)"),
            url_name="staff:campaigns",
            allowed=is_central_admin,
            order=5,
            description=_(
                "Create and edit the campaigns, their calendar, and their needs per commune imported from a CSV file."
            ),
        )
    )
