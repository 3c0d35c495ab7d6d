"""The age limits leave the campaign: the campaign's selection rules are the one source of eligibility.

A campaign whose limits were changed from the defaults (18 to 65) and differ from its current rules' gets a new
rules version carrying them (or, without any version yet, a first one from the census defaults of this date with
them): someone set them on purpose. Default limits carry no decision, so the rules' own stay as they are.
"""

import copy

from django.db import migrations

# The census defaults as they stood when the limits moved (bawaba.campaigns.rules.defaults): a migration must not
# import code that may change after it.
CENSUS_DEFAULTS_2026 = {
    "schema": 1,
    "eligibility": {
        "min_age": 18,
        "max_age": 65,
        "age_on": None,
        "categories": ["graduate", "student", "civil_servant", "private_employee", "public_retiree"],
        "min_education": "baccalaureate",
        "min_choices": 1,
    },
    "score": {
        "category": {
            "graduate": 30,
            "civil_servant": 25,
            "public_retiree": 25,
            "student": 20,
            "private_employee": 15,
        },
        "education_level": {
            "secondary": 0,
            "baccalaureate": 5,
            "bac_2": 10,
            "bac_3": 15,
            "bac_5": 20,
            "doctorate": 20,
        },
        "survey_experience": {"per_survey": 10, "max_surveys": 3},
        "ict_skill": {"0": 0, "1": 5, "2": 10, "3": 15},
        "languages": {"per_language": 2, "max_languages": 4},
    },
    "bonus": {"residence_commune": 20, "residence_province": 8},
    "over_selection": {"factor": "1.01", "regions": {}},
    "province_fallback": {"enabled": True, "max_communes": 5},
}


def move_age_limits(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    CampaignRules = apps.get_model("campaigns", "CampaignRules")
    changed = Campaign.objects.exclude(min_age=18, max_age=65).only("pk", "min_age", "max_age")
    for campaign in changed.iterator():
        current = CampaignRules.objects.filter(campaign=campaign).order_by("-version").first()
        if current is None:
            rules, version = copy.deepcopy(CENSUS_DEFAULTS_2026), 1
        else:
            rules, version = copy.deepcopy(current.rules), current.version + 1
            eligibility = rules.get("eligibility") if isinstance(rules, dict) else None
            if not isinstance(eligibility, dict):
                continue  # a document the selection cannot read: nothing sensible to merge into
            if (eligibility.get("min_age"), eligibility.get("max_age")) == (campaign.min_age, campaign.max_age):
                continue
        rules["eligibility"]["min_age"] = campaign.min_age
        rules["eligibility"]["max_age"] = campaign.max_age
        CampaignRules.objects.create(
            campaign=campaign,
            version=version,
            rules=rules,
            note="Age limits moved from the campaign's settings",
        )


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0004_application_province_fallback")]

    operations = [
        migrations.RunPython(move_age_limits, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="campaign", name="campaign_age_range_ordered"),
        migrations.RemoveField(model_name="campaign", name="min_age"),
        migrations.RemoveField(model_name="campaign", name="max_age"),
    ]
