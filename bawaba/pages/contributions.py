"""What the pages app registers, in PagesConfig.ready(): the contact form's two e-mails, the staff list of contact
messages, and the messages she sent in her personal-data download."""

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.models import Assignment
from bawaba.accounts.permissions import holds_any, is_central_admin
from bawaba.core.contributions import (
    EmailKind,
    PersonalDataProvider,
    PersonalRecord,
    Registry,
    StaffMenuEntry,
)
from bawaba.pages.selectors import contact_messages_of

CONTACT_FORWARD = EmailKind(
    key="contact_forward",
    label=_("Contact message (to the operator)"),
    template_prefix="pages/email/contact_forward",
    # The contact message's row keeps the one full copy: the outbox's copy goes once the e-mail is sent.
    secret_context=("name", "email", "message", "application_reference"),
)
CONTACT_ACKNOWLEDGEMENT = EmailKind(
    key="contact_acknowledgement",
    label=_("Contact message acknowledged"),
    template_prefix="pages/email/contact_acknowledgement",
)


def contact_message_records(user) -> Sequence[PersonalRecord]:
    return [
        PersonalRecord(
            title=_("Message %(reference)s") % {"reference": contact.reference},
            fields=(
                ("reference", _("reference"), contact.reference),
                (
                    "sent_at",
                    _("sent at"),
                    timezone.localtime(contact.created_at).isoformat(timespec="minutes"),
                ),
                ("name", _("name"), contact.name),
                ("email", _("e-mail address"), contact.email),
                ("subject", _("subject"), str(contact.get_category_display())),
                ("application_reference", _("application reference"), contact.application_reference),
                ("message", _("message"), contact.message),
            ),
        )
        for contact in contact_messages_of(user)
    ]


def register(registry: Registry) -> None:
    registry.add_email_kind(CONTACT_FORWARD)
    registry.add_email_kind(CONTACT_ACKNOWLEDGEMENT)
    registry.add_staff_entry(
        StaffMenuEntry(
            key="pages.contact_messages",
            label=_("Contact messages"),
            url_name="pages:contact_messages",
            allowed=is_central_admin,
            order=80,
            description=_("The messages candidates and visitors sent through the contact page."),
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="pages.design_system",
            label=_("Design system"),
            url_name="pages:design_system",
            # Any role opens the page; a staff member with no role yet is told she has no staff page.
            allowed=holds_any(*Assignment.Role.values),
            order=900,
            description=_("Every component of the pages, in Arabic and in French, as the site draws them."),
        )
    )
    registry.add_personal_data(
        PersonalDataProvider(
            key="pages.contact_messages",
            label=_("Messages you sent"),
            records=contact_message_records,
            order=90,
        )
    )
