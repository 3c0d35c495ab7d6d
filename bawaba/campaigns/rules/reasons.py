"""Why a candidate's answers would make her ineligible, in her language: what the application form and the review
page tell her before she submits, and why the submission is refused.

The conditions are `eligibility.failing_reasons` (the selection's, for one candidate); this module only words
them, with the limits of the campaign's current rules.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from bawaba.campaigns import steps
from bawaba.campaigns.models import Application
from bawaba.campaigns.rules.eligibility import Ineligibility, age_in_years, failing_reasons
from bawaba.campaigns.rules.parser import Rules
from bawaba.campaigns.rules.versions import EDUCATION_ORDER
from bawaba.core import dates, lists

# The field and the step where each condition is declared.
FIELD = {
    Ineligibility.AGE: "birth_date",
    Ineligibility.CATEGORY: "category",
    Ineligibility.EDUCATION: "education_level",
    Ineligibility.NO_CHOICE: "choices",
}
STEP = {
    Ineligibility.AGE: steps.IDENTITY,
    Ineligibility.CATEGORY: steps.SITUATION,
    Ineligibility.EDUCATION: steps.SITUATION,
    Ineligibility.NO_CHOICE: steps.COMMUNES,
}


@dataclass(frozen=True)
class EligibilityProblem:
    reason: Ineligibility
    field: str
    step: str
    message: str


def format_day(day: dt.date) -> str:
    return dates.day(day, get_language())


def _labels(choices: Iterable[tuple[str, object]], codes: tuple[str, ...]) -> str:
    labels = dict(choices)
    return lists.and_list((labels.get(code, code) for code in codes), get_language())


def categories_sentence(rules: Rules) -> str:
    """The situations the campaign admits, when it does not admit them all ("" otherwise)."""
    if set(Application.Category.values) <= set(rules.categories):
        return ""
    return _("This campaign admits only these situations: %(categories)s.") % {
        "categories": _labels(Application.Category.choices, rules.categories)
    }


def education_sentence(rules: Rules) -> str:
    """The minimum education level, and the situations that have their own."""
    levels = dict(Application.EducationLevel.choices)
    categories = dict(Application.Category.choices)
    general = levels.get(rules.min_education, rules.min_education)
    exceptions = [
        (categories.get(code, code), levels.get(level, level))
        for code, level in rules.category_min_education
        if code in rules.categories and level != rules.min_education
    ]
    if not exceptions:
        return _("This campaign requires at least this level: %(level)s.") % {"level": general}
    return _(
        "This campaign requires at least this level: %(level)s, except in these situations: %(exceptions)s."
    ) % {
        "level": general,
        "exceptions": lists.semicolon_list(
            (f"{category}: {level}" for category, level in exceptions), get_language()
        ),
    }


def describe(
    reason: Ineligibility,
    rules: Rules,
    *,
    birth_date: dt.date | None = None,
    category: str | None = None,
    choice_count: int | None = None,
) -> str:
    """The sentence that tells her why `reason` makes her ineligible, with the rules' limits."""
    if reason == Ineligibility.AGE:
        return _(
            "Candidates must be between %(min)s and %(max)s years old on %(date)s; you would be %(age)s."
        ) % {
            "min": rules.min_age,
            "max": rules.max_age,
            "date": format_day(rules.age_on),
            "age": age_in_years(birth_date, rules.age_on) if birth_date else "",
        }
    if reason == Ineligibility.CATEGORY:
        return _("This campaign does not admit candidates in this situation; it admits: %(categories)s.") % {
            "categories": _labels(Application.Category.choices, rules.categories)
        }
    if reason == Ineligibility.EDUCATION:
        minimum = rules.min_education_for(category) if category else rules.min_education
        return _("In this situation, this campaign requires at least this education level: %(level)s.") % {
            "level": dict(Application.EducationLevel.choices).get(minimum, minimum)
        }
    return ngettext(
        "This campaign requires at least %(minimum)s commune chosen; you chose %(count)s.",
        "This campaign requires at least %(minimum)s communes chosen; you chose %(count)s.",
        rules.min_choices,
    ) % {"minimum": rules.min_choices, "count": choice_count or 0}


def problems_of(
    rules: Rules,
    *,
    birth_date: dt.date | None = None,
    category: str | None = None,
    education_level: str | None = None,
    choice_count: int | None = None,
) -> list[EligibilityProblem]:
    """Every condition these answers fail (None: not answered, not checked), each with its sentence."""
    reasons = failing_reasons(
        rules,
        education_order=EDUCATION_ORDER,
        birth_date=birth_date,
        category=category,
        education_level=education_level,
        choice_count=choice_count,
    )
    return [
        EligibilityProblem(
            reason=reason,
            field=FIELD[reason],
            step=STEP[reason],
            message=describe(
                reason, rules, birth_date=birth_date, category=category, choice_count=choice_count
            ),
        )
        for reason in reasons
    ]


def application_problems(
    application: Application, rules: Rules, *, choice_count: int | None
) -> list[EligibilityProblem]:
    """What her saved answers fail under `rules` (the campaign's current ones): the review page and submission."""
    return problems_of(
        rules,
        birth_date=application.birth_date,
        category=application.category or None,
        education_level=application.education_level or None,
        choice_count=choice_count,
    )
