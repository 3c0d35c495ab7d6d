"""A campaign's training settings, set by the central administrator."""

from django.db import transaction

from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.training.models import TrainingSettings

SETTINGS_FIELDS = ("platform_url", "cohort", "reply_deadline", "no_reply_declines", "start_deadline")


def _shown(value) -> object:
    return value.isoformat() if hasattr(value, "isoformat") else value


@transaction.atomic
def save_training_settings(*, campaign: Campaign, values: dict, actor) -> TrainingSettings:
    """Create or change the campaign's settings; the audit row names each field changed, before and after."""
    settings, _created = TrainingSettings.objects.select_for_update().get_or_create(campaign=campaign)
    changes = {}
    for field in SETTINGS_FIELDS:
        if field in values and getattr(settings, field) != values[field]:
            changes[field] = [_shown(getattr(settings, field)), _shown(values[field])]
            setattr(settings, field, values[field])
    if changes:
        settings.updated_by = actor
        settings.save(update_fields=[*changes, "updated_by", "updated_at"])
        record_event(actor=actor, action="training.settings_changed", target=campaign, data=changes)
    return settings
