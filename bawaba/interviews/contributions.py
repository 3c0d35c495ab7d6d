"""What the interviews add to pages of other apps, registered in InterviewsConfig.ready(): the calling rules and
her standing on the dashboard, and the staff pages."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any
from bawaba.core.contributions import DASHBOARD_NOW, EmailKind, Registry, Section, StaffMenuEntry
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


def register(registry: Registry) -> None:
    registry.add_email_kind(CONVOCATION)
    registry.add_email_kind(FINAL_DECISION)
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="interviews.final",
            template="interviews/sections/final.html",
            context=final_sections,
            order=25,
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
