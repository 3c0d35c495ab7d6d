"""What the in-person training adds to pages of other apps, registered in FieldworkConfig.ready(): the convocation
e-mail with its calendar file, her training group on her dashboard, the staff pages, and its indicator (the agents
assigned to a group)."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any
from bawaba.core.contributions import (
    DASHBOARD_NOW,
    EmailKind,
    Indicator,
    PersonalDataProvider,
    Registry,
    Section,
    StaffMenuEntry,
)
from bawaba.fieldwork import indicators
from bawaba.fieldwork.emails import convocation_files
from bawaba.fieldwork.personal_data import training_records
from bawaba.fieldwork.section import training_group_sections

CONVOCATION = EmailKind(
    key="fieldwork_convocation",
    label=_("In-person training convocation"),
    template_prefix="fieldwork/email/convocation",
    attachments=convocation_files,
)

ASSIGNED = Indicator(
    key="fieldwork.assigned",
    name=_("Assigned to an in-person training group"),
    definition=_(
        "Agents selected by the campaign's final selection who are members of an in-person training group and have "
        "not dropped out (convoked or completed). By area: the commune where she is selected as a field agent; by "
        "category: the one she declared."
    ),
    unit=_("agents"),
    dimensions=indicators.DIMENSIONS,
    compute=indicators.assigned,
    order=510,
)


def register(registry: Registry) -> None:
    registry.add_email_kind(CONVOCATION)
    registry.add_indicator(ASSIGNED)
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="fieldwork.group",
            template="fieldwork/sections/group.html",
            context=training_group_sections,
            order=40,
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="fieldwork.campaigns",
            label=_("In-person training"),
            url_name="fieldwork_staff:campaigns",
            allowed=holds_any(*APPLICATION_READERS),
            order=45,
            description=_(
                "Training groups per province, the selected agents assigned and convoked, attendance, and the "
                "field staff for payroll and badges."
            ),
        )
    )
    registry.add_personal_data(
        PersonalDataProvider(
            key="fieldwork.training", label=_("In-person training"), records=training_records, order=45
        )
    )
