"""Who may be selected, for one candidate: the same rules the selection applies to all of them at once.

Pure Python, no Django. The application form asks :func:`failing_reasons` while the candidate fills it in,
and `bawaba.selection.scoring` applies the same conditions, vectorised, to every candidate of a run; a test
(`campaigns/tests/test_eligibility_agreement.py`) checks that the two agree for every category and age bound.
"""

import datetime
from collections.abc import Sequence
from enum import IntEnum

from bawaba.campaigns.rules.parser import Rules

__all__ = ["Ineligibility", "age_in_years", "failing_reasons", "first_reason"]


class Ineligibility(IntEnum):
    """Why a candidate is not selectable; the selection records the first failing reason in this order."""

    ELIGIBLE = 0
    AGE = 1
    CATEGORY = 2
    EDUCATION = 3
    NO_CHOICE = 4


def age_in_years(birth_date: datetime.date, on: datetime.date) -> int:
    """Age in completed years on `on`: one less while the birthday has not been reached that year.

    Someone born on 29 February has her birthday on 1 March in a common year: on 28 February she is still one
    year younger. (`scoring.completed_years` is the same rule over arrays.)
    """
    had_birthday = (on.month, on.day) >= (birth_date.month, birth_date.day)
    return on.year - birth_date.year - (0 if had_birthday else 1)


def failing_reasons(
    rules: Rules,
    *,
    education_order: Sequence[str],
    birth_date: datetime.date | None = None,
    category: str | None = None,
    education_level: str | None = None,
    choice_count: int | None = None,
) -> list[Ineligibility]:
    """Every condition the declared answers fail, in the selection's order; an answer left as None (not given
    yet) is not checked. An empty list: eligible so far.

    The education minimum is the one of her category (`Rules.min_education_for`); with no category yet, the
    general minimum.
    """
    reasons = []
    if (
        birth_date is not None
        and not rules.min_age <= age_in_years(birth_date, rules.age_on) <= rules.max_age
    ):
        reasons.append(Ineligibility.AGE)
    if category is not None and category not in rules.categories:
        reasons.append(Ineligibility.CATEGORY)
    if education_level is not None:
        minimum = rules.min_education_for(category) if category else rules.min_education
        order = list(education_order)
        if (
            education_level not in order
            or minimum not in order
            or order.index(education_level) < order.index(minimum)
        ):
            reasons.append(Ineligibility.EDUCATION)
    if choice_count is not None and choice_count < rules.min_choices:
        reasons.append(Ineligibility.NO_CHOICE)
    return reasons


def first_reason(reasons: Sequence[Ineligibility]) -> Ineligibility:
    """What the selection records: the first failing reason, or ELIGIBLE."""
    return reasons[0] if reasons else Ineligibility.ELIGIBLE
