"""What the campaigns app registers, in CampaignsConfig.ready(): the e-mail it sends, its staff pages, her
applications in her personal-data download, and its indicators (candidates, training and field needs)."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any, is_central_admin
from bawaba.campaigns import indicators
from bawaba.campaigns.personal_data import application_records
from bawaba.core.contributions import EmailKind, Indicator, PersonalDataProvider, Registry, StaffMenuEntry

APPLICATION_RECEIVED = EmailKind(
    key="application_received",
    label=_("Application received"),
    template_prefix="campaigns/email/application_received",
)


INDICATORS = (
    Indicator(
        key="campaigns.candidates",
        name=_("Candidates"),
        definition=_(
            "Applications submitted and not withdrawn. By area: where the candidate lives; by day: the day she "
            "submitted, in Morocco's time."
        ),
        unit=_("candidates"),
        dimensions=indicators.CANDIDATE_DIMENSIONS,
        compute=indicators.candidates,
        order=10,
    ),
    Indicator(
        key="campaigns.training_needs",
        name=_("Training needs"),
        definition=_("Trainees the campaign needs, set commune by commune by its needs file."),
        unit=_("trainees"),
        dimensions=indicators.NEED_DIMENSIONS,
        compute=indicators.training_needs,
        order=20,
    ),
    Indicator(
        key="campaigns.field_needs",
        name=_("Field needs"),
        definition=_("Field staff the campaign needs at the end, set commune by commune by its needs file."),
        unit=_("field agents"),
        dimensions=indicators.NEED_DIMENSIONS,
        compute=indicators.field_needs,
        order=30,
    ),
)


def register(registry: Registry) -> None:
    registry.add_email_kind(APPLICATION_RECEIVED)
    for indicator in INDICATORS:
        registry.add_indicator(indicator)
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
