"""Writes of the pages app: a contact message filed, a personal-data download recorded."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import translation

from bawaba.core.audit import record_event
from bawaba.notifications.services import queue_email
from bawaba.pages.contributions import CONTACT_ACKNOWLEDGEMENT, CONTACT_FORWARD
from bawaba.pages.models import ContactMessage


@transaction.atomic
def file_contact_message(
    *,
    name: str,
    email: str,
    category: str,
    message: str,
    language: str,
    application_reference: str = "",
    user: Any = None,
) -> ContactMessage:
    """Keep the message, forward it to the operator and acknowledge it to the sender, both after commit.

    The acknowledgement repeats nothing she typed (neither her name nor her message): the form would otherwise let
    anyone send text of their choosing to any address under the platform's name.
    """
    contact = ContactMessage.objects.create(
        name=name,
        email=email,
        category=category,
        message=message,
        application_reference=application_reference,
        user=user if getattr(user, "pk", None) else None,
        language=language,
    )
    record_event(actor=user, action="contact.message_filed", target=contact, data={"category": category})
    # Without an operator's address (a deployment that forgot it: `check --deploy` says so) the message still
    # waits in the staff list; an e-mail to nobody would only fail in the outbox.
    if settings.BAWABA_CONTACT_EMAIL:
        operator_language = settings.LANGUAGE_CODE
        with translation.override(operator_language):
            operator_category = str(contact.get_category_display())
        queue_email(
            kind=CONTACT_FORWARD.key,
            to_email=settings.BAWABA_CONTACT_EMAIL,
            language=operator_language,
            context={
                "reference": contact.reference,
                "category": operator_category,
                "name": name,
                "email": email,
                "message": message,
                "application_reference": application_reference,
            },
            idempotency_key=f"contact-forward:{contact.pk}",
        )
    with translation.override(language):
        category_label = str(contact.get_category_display())
    queue_email(
        kind=CONTACT_ACKNOWLEDGEMENT.key,
        to_email=email,
        language=language,
        context={"reference": contact.reference, "category": category_label},
        idempotency_key=f"contact-acknowledgement:{contact.pk}",
        user=contact.user,
    )
    return contact


def record_personal_data_access(*, user: Any, file_format: str) -> None:
    """Audit that she read (html) or downloaded (json) her personal data."""
    record_event(actor=user, action="personal_data.accessed", target=user, data={"format": file_format})
