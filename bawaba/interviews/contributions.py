"""What the interviews add to pages of other apps, registered in InterviewsConfig.ready(): the calling rules and
her standing on the dashboard, the staff pages, and the indicators (convocations, presence, the final
selection)."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any
from bawaba.core.contributions import (
    APPLICATION_STATUS,
    DASHBOARD_NOW,
    EmailKind,
    Indicator,
    Registry,
    Section,
    StaffMenuEntry,
)
from bawaba.interviews import indicators
from bawaba.interviews.calling_section import calling_sections
from bawaba.interviews.convocation_section import convocation_sections
from bawaba.interviews.emails import convocation_files
from bawaba.interviews.final_section import final_sections

FINAL_DECISION = EmailKind(
    key="final_decision",
    label=_("Final selection decision"),
    template_prefix="interviews/email/final_decision",
)
CONVOCATION = EmailKind(
    key="interview_convocation",
    label=_("Interview convocation"),
    template_prefix="interviews/email/convocation",
    attachments=convocation_files,
)

INDICATORS = (
    Indicator(
        key="interviews.convoked",
        name=_("Convoked to an interview"),
        definition=_(
            "Candidates of the campaign with a convocation to an interview that they have not withdrawn (convoked, "
            "confirmed, present or absent), at most one per candidate. By area: where she lives; by category: the "
            "one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.convoked,
        order=410,
    ),
    Indicator(
        key="interviews.present",
        name=_("Present at the interview"),
        definition=_(
            "Candidates of the campaign whose convocation is marked present. By area: where she lives; by "
            "category: the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.present,
        order=420,
    ),
    Indicator(
        key="interviews.absent",
        name=_("Absent at the interview"),
        definition=_(
            "Candidates of the campaign whose convocation is marked absent. By area: where she lives; by category: "
            "the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.absent,
        order=430,
    ),
    Indicator(
        key="interviews.final_selected",
        name=_("Selected as field staff"),
        definition=_(
            "Candidates holding a place in the campaign's published final selection run (the field staff) "
            "today: admitted when it was published or promoted since from its reserve, less those who have left "
            "it. By area: the commune of the place; by category: the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.final_selected,
        order=440,
    ),
    Indicator(
        key="interviews.final_reserve",
        name=_("Field staff reserve"),
        definition=_(
            "Candidates of the campaign's published final selection run (the field staff) who hold no place and "
            "stand on its waiting lists today. Each counts once, in the commune she ranked first; by category: the "
            "one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.final_reserve,
        order=450,
    ),
)


def register(registry: Registry) -> None:
    registry.add_email_kind(CONVOCATION)
    registry.add_email_kind(FINAL_DECISION)
    for indicator in INDICATORS:
        registry.add_indicator(indicator)
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="interviews.final",
            template="interviews/sections/final.html",
            context=final_sections,
            order=25,
        )
    )
    # Once the final selection is published, its decision is her status: it comes before the preselection's
    # (order 20), which would still say "Preselected" above it.
    registry.add_section(
        Section(
            page=APPLICATION_STATUS,
            key="interviews.final",
            template="interviews/sections/application_status.html",
            context=final_sections,
            order=10,
        )
    )
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="interviews.calling",
            template="interviews/sections/calling.html",
            context=calling_sections,
            order=50,
        )
    )
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="interviews.convocation",
            template="interviews/sections/convocation.html",
            context=convocation_sections,
            order=45,
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="interviews.campaigns",
            label=_("Interviews"),
            url_name="interviews_staff:campaigns",
            allowed=holds_any(*APPLICATION_READERS),
            order=40,
            description=_(
                "Who is called to the interviews, per province, and the calling rules of each campaign."
            ),
        )
    )
