"""Reads for the contact messages and the personal-data download."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise

from bawaba.campaigns.selectors import application_reference, applications_for_dashboard
from bawaba.core.contributions import PersonalRecord, registry
from bawaba.pages.models import ContactMessage


def contact_messages() -> QuerySet[ContactMessage]:
    """Every contact message, newest first: the central administrators' list."""
    return ContactMessage.objects.order_by("-created_at", "-pk")


def contact_messages_of(user: Any) -> QuerySet[ContactMessage]:
    """The messages she sent while signed in (none for a visitor), oldest first."""
    if not getattr(user, "pk", None):
        return ContactMessage.objects.none()
    return ContactMessage.objects.filter(user=user).order_by("created_at", "pk")


def application_references_of(user: Any) -> list[str]:
    """Her applications' references, for the contact form ("which application"); none for a visitor or staff."""
    if not getattr(user, "is_authenticated", False):
        return []
    return [application_reference(application) for application in applications_for_dashboard(user)]


@dataclass(frozen=True)
class PersonalDataPart:
    key: str
    label: str | Promise
    records: Sequence[PersonalRecord]


def personal_data_of(user: Any) -> list[PersonalDataPart]:
    """Everything the platform holds on her, from every app that registered a provider: hers only, each provider
    reading by her own account."""
    return [
        PersonalDataPart(key=provider.key, label=provider.label, records=provider.records(user))
        for provider in registry.personal_data_providers()
    ]


def personal_data_as_json(parts: Sequence[PersonalDataPart]) -> dict[str, Any]:
    """The download's JSON: per app, a list of records, each {"title", "data": {field key: value}}."""
    return {
        part.key: {
            "label": str(part.label),
            "records": [
                {
                    "title": str(record.title),
                    "data": {key: _plain(value) for key, _label, value in record.fields},
                }
                for record in part.records
            ],
        }
        for part in parts
    }


def _plain(value: Any) -> Any:
    # Lazy translations (a choice's label) become text in the active language.
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
