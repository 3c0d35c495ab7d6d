"""The one formatter of a rules document for people: every code replaced by its label, in the pages' order.

The staff rules pages, the public selection report and the campaign page all show rules through this; the
document itself (what runs read) is never changed by it. Missing settings read as None, so that an old or
partial document still shows what it has.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from bawaba.campaigns.models import Application
from bawaba.territory.models import Region


@dataclass(frozen=True)
class Points:
    label: str | Promise
    points: int


@dataclass(frozen=True)
class RegionFactor:
    code: str
    name: str
    factor: str


@dataclass(frozen=True)
class CategoryMinimum:
    """A category whose minimum education level differs from the general one."""

    category: str | Promise
    level: str | Promise


@dataclass(frozen=True)
class ReadableRules:
    """A rules document, labelled for people. `age_on` is None when ages are counted on the day registration
    closes, which is then `registration_closes_on` (when the caller knows the campaign)."""

    min_age: int | None
    max_age: int | None
    age_on: dt.date | None
    registration_closes_on: dt.date | None
    categories: list[str | Promise]
    min_education: str | Promise
    category_min_education: list[CategoryMinimum]
    min_choices: int | None
    category_points: list[Points]
    education_points: list[Points]
    per_survey: int | None
    max_surveys: int | None
    ict_points: list[Points]
    per_language: int | None
    max_languages: int | None
    residence_commune_bonus: int | None
    residence_province_bonus: int | None
    factor: str
    region_factors: list[RegionFactor]
    fallback_enabled: bool
    fallback_max_communes: int | None

    @property
    def ages_counted_on(self) -> dt.date | None:
        """The day ages are counted on, whichever way the rules say it."""
        return self.age_on or self.registration_closes_on


def _labels(choices: Iterable[tuple[Any, Any]]) -> dict[str, str | Promise]:
    return {str(value): label for value, label in choices}


def _ordered_points(table: dict, order: list[str], labels: dict[str, str | Promise]) -> list[Points]:
    """A points table in the order of its choices (then any other code), each code with its label."""
    codes = [code for code in order if code in table] + sorted(code for code in table if code not in order)
    return [Points(label=labels.get(code) or code, points=table[code]) for code in codes]


def _section(mapping: Any, key: str) -> dict:
    value = mapping.get(key) if isinstance(mapping, dict) else None
    return value if isinstance(value, dict) else {}


def _date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def readable_rules(rules: dict, *, registration_closes_on: dt.date | None = None) -> ReadableRules:
    """The rules dict with every code replaced by its label (one query, only for regions with their own factor)."""
    eligibility = _section(rules, "eligibility")
    score = _section(rules, "score")
    surveys = _section(score, "survey_experience")
    languages = _section(score, "languages")
    bonus = _section(rules, "bonus")
    over_selection = _section(rules, "over_selection")
    fallback = _section(rules, "province_fallback")
    categories = _labels(Application.Category.choices)
    levels = _labels(Application.EducationLevel.choices)
    ict = _labels(Application.IctSkill.choices)
    overrides = _section(over_selection, "regions")
    region_names = {}
    if overrides:
        region_names = {
            region.code: region.name for region in Region.objects.filter(code__in=list(overrides))
        }
    min_education = eligibility.get("min_education") or ""
    by_category = _section(eligibility, "min_education_by_category")
    return ReadableRules(
        min_age=eligibility.get("min_age"),
        max_age=eligibility.get("max_age"),
        age_on=_date(eligibility.get("age_on")),
        registration_closes_on=registration_closes_on,
        categories=[categories.get(code, code) for code in eligibility.get("categories") or []],
        min_education=levels.get(min_education, min_education),
        category_min_education=[
            CategoryMinimum(category=label, level=levels.get(by_category[code], by_category[code]))
            for code, label in categories.items()  # in the order of the application form
            if by_category.get(code) not in (None, min_education)
        ],
        min_choices=eligibility.get("min_choices"),
        category_points=_ordered_points(_section(score, "category"), list(categories), categories),
        education_points=_ordered_points(_section(score, "education_level"), list(levels), levels),
        per_survey=surveys.get("per_survey"),
        max_surveys=surveys.get("max_surveys"),
        ict_points=_ordered_points(_section(score, "ict_skill"), list(ict), ict),
        per_language=languages.get("per_language"),
        max_languages=languages.get("max_languages"),
        residence_commune_bonus=bonus.get("residence_commune"),
        residence_province_bonus=bonus.get("residence_province"),
        factor=str(over_selection.get("factor", "1")),
        region_factors=[
            RegionFactor(code=code, name=region_names.get(code, code), factor=str(overrides[code]))
            for code in sorted(overrides)
        ],
        fallback_enabled=fallback.get("enabled") is True,
        fallback_max_communes=fallback.get("max_communes"),
    )
