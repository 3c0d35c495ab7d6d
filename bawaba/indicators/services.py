"""Writes of the indicator layer: asking for a campaign's summary refresh, the open-data threshold."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from bawaba.core.audit import record_event
from bawaba.indicators.models import OpenDataPolicy, SummaryRefresh
from bawaba.indicators.opendata.build import build_open_data
from bawaba.indicators.tasks import refresh_indicators

# A refresh takes seconds; one asked for this long ago was lost (a worker stopped): a new request may go.
LOST_REQUEST = dt.timedelta(minutes=15)


def request_refresh(*, campaign, actor: Any = None) -> bool:
    """Queue a refresh of the campaign's figures, after commit; False when one is already waiting (a second click,
    or two administrators at once, queues nothing more) unless it was lost."""
    with transaction.atomic():
        refresh, _ = SummaryRefresh.objects.select_for_update().get_or_create(campaign=campaign)
        if refresh.requested_at is not None and timezone.now() - refresh.requested_at < LOST_REQUEST:
            return False
        refresh.requested_at = timezone.now()
        refresh.requested_by = actor if getattr(actor, "pk", None) else None
        refresh.save(update_fields=["requested_at", "requested_by"])
        record_event(actor=actor, action="indicators.refresh_requested", target=campaign)
        transaction.on_commit(lambda: refresh_indicators.enqueue(campaign.pk))
    return True


def set_open_data_threshold(*, campaign, threshold: int, actor: Any) -> OpenDataPolicy:
    """Change the smallest count the campaign's open data publishes (audited with the old and new values)."""
    with transaction.atomic():
        policy, _ = OpenDataPolicy.objects.select_for_update().get_or_create(campaign=campaign)
        old = policy.threshold
        policy.threshold = threshold
        policy.full_clean()
        policy.save()
        record_event(
            actor=actor,
            action="indicators.open_data_threshold_set",
            target=campaign,
            data={"from": old, "to": threshold},
        )
        build_open_data(campaign)  # the published figures follow the new threshold at once
    return policy
