"""What the review of supporting documents adds to the registry (bawaba.core.contributions): the decision e-mail
to the candidate, and the review's staff pages in the staff menu. DocumentsConfig.ready() calls `register`."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any
from bawaba.core.contributions import EmailKind, Registry, StaffMenuEntry
from bawaba.documents.services.review import DECISION_EMAIL_KIND

# The one-off e-mail of each decision: accepted, or rejected with the reasons, the comment and the upload link.
DOCUMENTS_DECISION = EmailKind(
    key=DECISION_EMAIL_KIND,
    label=_("Supporting documents examined"),
    template_prefix="documents/emails/decision",
)


def register(registry: Registry) -> None:
    registry.add_email_kind(DOCUMENTS_DECISION)
    registry.add_staff_entry(
        StaffMenuEntry(
            key="documents.review",
            label=_("Supporting documents to examine"),
            url_name="documents_staff:review_campaigns",
            allowed=holds_any(*APPLICATION_READERS),
            order=35,
            description=_(
                "The candidates' supporting documents, oldest complete file first: compare them with what they "
                "declared, accept or reject with a reason."
            ),
        )
    )
