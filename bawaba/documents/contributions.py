"""What the documents stage adds to pages of other apps, registered in DocumentsConfig.ready(): the invitation's
e-mail kind, her dossier on the dashboard, and the staff pages of the documents."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import Role, holds_any
from bawaba.core.contributions import DASHBOARD_NOW, EmailKind, Registry, Section, StaffMenuEntry

# The source's fifth e-mail: the invitation to upload supporting documents, with the link to her upload page.
DOCUMENTS_INVITATION = EmailKind(
    key="documents_invitation",
    label=_("Invitation to upload supporting documents"),
    template_prefix="documents/emails/invitation",
)


def register(registry: Registry) -> None:
    from bawaba.documents.selectors import dossier_sections

    registry.add_email_kind(DOCUMENTS_INVITATION)
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
