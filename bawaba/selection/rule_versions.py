"""Campaign selection rules as versioned data: a change is always a new CampaignRules row, never an edit.

A run names the version it used, so an old version must stay exactly as it was when a run read it.
"""

import json

from django.db import transaction
from django.db.models import Max

from bawaba.campaigns.models import Campaign, CampaignRules
from bawaba.core.audit import record_event
from bawaba.selection.inputs import rules_for_run
from bawaba.selection.scoring import RulesError, parse_rules

NOTE_MAX_LENGTH = CampaignRules._meta.get_field("note").max_length


def check_rules(*, campaign: Campaign, rules: dict) -> None:
    """Raise RulesError unless a run of `campaign` could use `rules` (age_on may be None: filled in by the run)."""
    parse_rules(rules_for_run(rules, campaign))


def save_rules_version(*, campaign: Campaign, rules: dict, note: str, actor) -> CampaignRules:
    """Save `rules` as the campaign's next version (last + 1), with an audit event; RulesError if they are invalid.

    The campaign row is locked so that two administrators saving at once get versions n+1 and n+2, not a
    unique-constraint error.
    """
    note = (note or "").strip()
    problems = []
    if not note:
        problems.append("note must say what changed.")
    elif len(note) > NOTE_MAX_LENGTH:
        problems.append(f"note must be at most {NOTE_MAX_LENGTH} characters long.")
    # Stored as plain JSON values, exactly what a later read gives back.
    rules = json.loads(json.dumps(rules))
    try:
        check_rules(campaign=campaign, rules=rules)
    except RulesError as error:
        problems.extend(error.problems)
    if problems:
        raise RulesError(problems)
    with transaction.atomic():
        Campaign.objects.select_for_update().only("pk").get(pk=campaign.pk)
        last = CampaignRules.objects.filter(campaign=campaign).aggregate(last=Max("version"))["last"]
        version = CampaignRules.objects.create(
            campaign=campaign,
            version=(last or 0) + 1,
            rules=rules,
            note=note,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        record_event(
            actor=actor,
            action="selection.rules_saved",
            target=version,
            data={"campaign": campaign.slug, "version": version.version, "note": note},
        )
    return version
