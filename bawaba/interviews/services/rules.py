"""Writes of a campaign's calling rules: each change a new version (a list drawn with an older one stays readable)."""

from typing import Any

from django.db import transaction
from django.db.models import Max

from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.interviews.calling import CallRules, read_call_rules
from bawaba.interviews.models import CallRules as CallRulesVersion


def save_call_rules(*, campaign: Campaign, rules: CallRules, note: str, actor: Any) -> CallRulesVersion:
    """A new version of the campaign's calling rules, unless they are the current ones (then nothing changes)."""
    document = read_call_rules(rules.as_document()).as_document()  # checked again: callers may build by hand
    with transaction.atomic():
        # The campaign row serialises two administrators saving at once: versions stay 1, 2, 3…
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
        current = CallRulesVersion.objects.filter(campaign=campaign).order_by("-version").first()
        if current is not None and current.rules == document:
            return current
        number = (
            CallRulesVersion.objects.filter(campaign=campaign).aggregate(top=Max("version"))["top"] or 0
        ) + 1
        version = CallRulesVersion.objects.create(
            campaign=campaign, version=number, rules=document, note=note, created_by=actor
        )
        record_event(
            actor=actor,
            action="interviews.call_rules_saved",
            target=campaign,
            data={"version": number, "rules": document, "note": note},
        )
    return version
