"""Writes of the central administrator on a campaign's required documents: add, change, start from the census's
list. Each is one transaction with its audit row."""

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.documents.defaults import CENSUS_REQUIREMENTS
from bawaba.documents.models import Requirement

# What the form edits; the audit row keeps the changed ones, before and after.
EDITABLE_FIELDS = (
    "key",
    "name_ar",
    "name_fr",
    "name_en",
    "help_ar",
    "help_fr",
    "help_en",
    "categories",
    "order",
    "is_active",
)


@transaction.atomic
def add_requirement(*, campaign: Campaign, values: Mapping[str, Any], actor: Any) -> Requirement:
    requirement = Requirement.objects.create(
        campaign=campaign, updated_by=actor, **{name: values[name] for name in EDITABLE_FIELDS}
    )
    record_event(
        actor=actor,
        action="documents.requirement_added",
        target=requirement,
        data={"campaign": campaign.pk, "key": requirement.key, "categories": requirement.categories},
    )
    return requirement


@transaction.atomic
def change_requirement(*, requirement: Requirement, values: Mapping[str, Any], actor: Any) -> Requirement:
    changes = {
        name: [getattr(requirement, name), values[name]]
        for name in EDITABLE_FIELDS
        if getattr(requirement, name) != values[name]
    }
    if not changes:
        return requirement
    for name, (_before, after) in changes.items():
        setattr(requirement, name, after)
    requirement.updated_by = actor
    requirement.save()
    record_event(
        actor=actor,
        action="documents.requirement_changed",
        target=requirement,
        data={"campaign": requirement.campaign_id, "changes": changes},
    )
    return requirement


@transaction.atomic
def start_from_census_list(*, campaign: Campaign, actor: Any) -> int:
    """The census's list (defaults.CENSUS_REQUIREMENTS) as the campaign's requirements, when it has none yet; the
    number added (0 when it already had some: nothing is overwritten)."""
    # Locks the campaign's row: two administrators pressing the button at once add the list once.
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    if Requirement.objects.filter(campaign=campaign).exists():
        return 0
    Requirement.objects.bulk_create(
        Requirement(
            campaign=campaign,
            key=default.key,
            name_ar=default.name_ar,
            name_fr=default.name_fr,
            name_en=default.name_en,
            help_ar=default.help_ar,
            help_fr=default.help_fr,
            help_en=default.help_en,
            categories=[str(category) for category in default.categories],
            order=(position + 1) * 10,
            is_active=True,
            updated_by=actor,
        )
        for position, default in enumerate(CENSUS_REQUIREMENTS)
    )
    record_event(
        actor=actor,
        action="documents.requirements_from_census_list",
        target=campaign,
        data={"keys": [default.key for default in CENSUS_REQUIREMENTS]},
    )
    return len(CENSUS_REQUIREMENTS)
