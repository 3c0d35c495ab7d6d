"""The default selection rules of a census campaign, as data (stored in CampaignRules, versioned).

Points are whole numbers so that scores compare exactly on every machine. `parser.parse_rules` reads this shape;
a central administrator edits it as a new version.
"""

from bawaba.campaigns.models import Application

Category = Application.Category
Level = Application.EducationLevel


def default_census_rules() -> dict:
    return {
        "schema": 1,
        "eligibility": {
            "min_age": 18,
            "max_age": 65,
            # Ages are counted on this ISO date; None means the day registration closes (filled in by a run).
            "age_on": None,
            "categories": [choice.value for choice in Category],
            "min_education": Level.BACCALAUREATE.value,
            "min_choices": 1,
        },
        "score": {
            "category": {
                Category.GRADUATE: 30,
                Category.CIVIL_SERVANT: 25,
                Category.PUBLIC_RETIREE: 25,
                Category.STUDENT: 20,
                Category.PRIVATE_EMPLOYEE: 15,
            },
            "education_level": {
                Level.SECONDARY: 0,
                Level.BACCALAUREATE: 5,
                Level.BAC_2: 10,
                Level.BAC_3: 15,
                Level.BAC_5: 20,
                Level.DOCTORATE: 20,
            },
            "survey_experience": {"per_survey": 10, "max_surveys": 3},
            "ict_skill": {"0": 0, "1": 5, "2": 10, "3": 15},
            "languages": {"per_language": 2, "max_languages": 4},
        },
        # Local knowledge: a candidate ranks higher in the commune where she lives, and a little in her province.
        "bonus": {"residence_commune": 20, "residence_province": 8},
        # Places per commune = needs x factor, rounded up; regions may override the campaign's factor.
        "over_selection": {"factor": "1.01", "regions": {}},
        # A candidate who ticks "any commune of my province" gets, after her own choices, the other communes of
        # her province, nearest first, at most this many.
        "province_fallback": {"enabled": True, "max_communes": 5},
    }
