"""Campaign selection rules as versioned data: a change is always a new CampaignRules row, never an edit.

A run names the version it used, so an old version must stay exactly as it was when a run read it. The newest
version is the campaign's current rules: what the application form checks and what the next run uses.
"""

import json
import logging

from django.db import transaction
from django.db.models import Max

from bawaba.campaigns import schedule
from bawaba.campaigns.models import Application, Campaign, CampaignRules
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.parser import RuleProblem, Rules, RulesError, check_education_codes, parse_rules
from bawaba.core.audit import record_event

logger = logging.getLogger(__name__)

NOTE_MAX_LENGTH: int = CampaignRules._meta.get_field("note").max_length or 0
# The education levels, lowest first: the order "at least this level" reads.
EDUCATION_ORDER: tuple[str, ...] = tuple(Application.EducationLevel.values)


def current_rules(campaign: Campaign) -> CampaignRules | None:
    """The campaign's newest rules version (the one the next run will use), or None if it has none yet."""
    return CampaignRules.objects.filter(campaign=campaign).order_by("-version").first()


def rules_document(campaign: Campaign) -> dict:
    """The campaign's current rules dict; the census defaults for a campaign that has no version yet."""
    version = current_rules(campaign)
    return version.rules if version is not None else default_census_rules()


def age_reference_day(campaign: Campaign) -> str:
    """The day registration closes, in Morocco, as YYYY-MM-DD: ages are counted on it unless the rules say."""
    return schedule.age_reference_date(campaign).isoformat()


def rules_for_run(rules: dict, campaign: Campaign) -> dict:
    """A deep copy of the rules with the defaults a run fills in (the day ages are counted on)."""
    frozen = json.loads(json.dumps(rules))
    eligibility = frozen.setdefault("eligibility", {})
    if isinstance(eligibility, dict) and not eligibility.get("age_on"):
        eligibility["age_on"] = age_reference_day(campaign)
    return frozen


def campaign_rules(campaign: Campaign) -> Rules:
    """The campaign's current rules, parsed, with the day ages are counted on filled in: what the application
    form checks a candidate against, exactly as the next run would.

    Saved versions were checked when saved; a document written around the services (the admin, a script) that no
    longer parses is logged and the census defaults apply, so that a candidate is never shown a server error.
    """
    document = rules_for_run(rules_document(campaign), campaign)
    try:
        rules = parse_rules(document)
        check_education_codes(rules, EDUCATION_ORDER)
    except RulesError as error:
        logger.error("The rules of campaign %s do not parse: %s", campaign.slug, error)
        rules = parse_rules(rules_for_run(default_census_rules(), campaign))
    return rules


def offers_province_fallback(campaign: Campaign) -> bool:
    """Whether the campaign's selection gives "any other commune of my province" to a candidate who accepts it.

    Its newest rules version decides; a campaign with no rules yet has the census defaults, which offer it.
    """
    try:
        return parse_rules(rules_for_run(rules_document(campaign), campaign)).fallback_enabled
    except RulesError:
        # Rules a run could not read place nobody anywhere: the form must not promise what they cannot give.
        return False


def check_rules(*, campaign: Campaign, rules: dict) -> None:
    """Raise RulesError unless a run of `campaign` could use `rules` (age_on may be None: filled in by the run)."""
    check_education_codes(parse_rules(rules_for_run(rules, campaign)), EDUCATION_ORDER)


def save_rules_version(*, campaign: Campaign, rules: dict, note: str, actor) -> CampaignRules:
    """Save `rules` as the campaign's next version (last + 1), with an audit event; RulesError if they are invalid.

    The campaign row is locked so that two administrators saving at once get versions n+1 and n+2, not a
    unique-constraint error.
    """
    note = (note or "").strip()
    problems = []
    if not note:
        problems.append(RuleProblem("note_missing"))
    elif len(note) > NOTE_MAX_LENGTH:
        problems.append(RuleProblem("note_too_long", {"maximum": NOTE_MAX_LENGTH}))
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
