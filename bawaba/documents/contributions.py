"""What the documents stage adds to pages of other apps, registered in DocumentsConfig.ready(): the invitation's
e-mail kind, her dossier on the dashboard, the staff pages of the documents, and the indicators of the source's five
figures (bawaba.documents.indicators)."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import Role, holds_any
from bawaba.core.contributions import DASHBOARD_NOW, EmailKind, Indicator, Registry, Section, StaffMenuEntry
from bawaba.documents import indicators

# The source's fifth e-mail: the invitation to upload supporting documents, with the link to her upload page.
DOCUMENTS_INVITATION = EmailKind(
    key="documents_invitation",
    label=_("Invitation to upload supporting documents"),
    template_prefix="documents/emails/invitation",
)

# Where, for all five: the commune of the dossier, where she is examined (bawaba.documents.indicators).
INDICATORS = (
    Indicator(
        key="documents.uploaded",
        name=_("Files uploaded"),
        definition=_(
            "Dossiers of supporting documents of the campaign that were complete at least once: under "
            "examination, accepted or rejected today (examined plus under examination). By area: the commune "
            "where the dossier is examined (her place's, or her first choice's before any); by category: the "
            "candidate's, as the dossier records it."
        ),
        unit=_("files"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.uploaded,
        order=310,
    ),
    Indicator(
        key="documents.examined",
        name=_("Files examined"),
        definition=_(
            "Dossiers of supporting documents of the campaign whose last examination stands today: accepted or "
            "rejected (a rejected dossier sent again counts as under examination until it is decided anew). By "
            "area: the commune where the dossier is examined; by category: the candidate's."
        ),
        unit=_("files"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.examined,
        order=320,
    ),
    Indicator(
        key="documents.accepted",
        name=_("Files accepted"),
        definition=_(
            "Dossiers of supporting documents of the campaign accepted by a supervisor. By area: the commune "
            "where the dossier is examined; by category: the candidate's."
        ),
        unit=_("files"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.accepted,
        order=330,
    ),
    Indicator(
        key="documents.rejected",
        name=_("Files rejected"),
        definition=_(
            "Dossiers of supporting documents of the campaign rejected by a supervisor and not sent again since. "
            "By area: the commune where the dossier is examined; by category: the candidate's."
        ),
        unit=_("files"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.rejected,
        order=340,
    ),
    Indicator(
        key="documents.under_examination",
        name=_("Files under examination"),
        definition=_(
            "Dossiers of supporting documents of the campaign complete and waiting for a supervisor's decision, "
            "a rejected one sent again included. By area: the commune where the dossier is examined; by category: "
            "the candidate's."
        ),
        unit=_("files"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.under_examination,
        order=350,
    ),
)


def register(registry: Registry) -> None:
    from bawaba.documents.selectors import dossier_sections

    registry.add_email_kind(DOCUMENTS_INVITATION)
    for indicator in INDICATORS:
        registry.add_indicator(indicator)
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="documents.dossier",
            template="documents/sections/dossier.html",
            context=dossier_sections,
            order=50,
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="documents.campaigns",
            label=_("Supporting documents"),
            url_name="documents_staff:campaigns",
            allowed=holds_any(Role.CENTRAL_ADMIN),
            order=40,
            description=_("The documents each campaign asks for, and the invitations to upload them."),
        )
    )
