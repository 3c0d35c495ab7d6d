"""The application form and the selection agree on who is eligible, for every category and age bound.

The form (campaigns.forms: the identity and situation steps) reads the campaign's current rules; the selection
(scoring.ineligibility) applies the same rules, vectorised, to a run. Each example saves a rules version, fills the
two steps with one candidate's answers and runs the selection's eligibility on the same answers.
"""

import datetime as dt

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bawaba.campaigns import schedule
from bawaba.campaigns.forms import IdentityForm, SituationForm
from bawaba.campaigns.models import Application, Campaign, CampaignRules
from bawaba.campaigns.rules.defaults import default_census_rules
from bawaba.campaigns.rules.eligibility import Ineligibility, age_in_years, failing_reasons, first_reason
from bawaba.campaigns.rules.versions import EDUCATION_ORDER, rules_for_run
from bawaba.campaigns.tests.factories import CampaignFactory
from bawaba.selection import scoring

CATEGORIES = tuple(Application.Category.values)

pytestmark = pytest.mark.django_db


def _rules(
    min_age: int, max_age: int, age_on: dt.date | None, categories, min_education, by_category
) -> dict:
    rules = default_census_rules()
    eligibility = rules["eligibility"]
    eligibility.update(
        min_age=min_age,
        max_age=max_age,
        age_on=age_on.isoformat() if age_on else None,
        categories=list(categories),
        min_education=min_education,
    )
    if by_category:
        eligibility["min_education_by_category"] = by_category
    rules["score"]["category"] = {code: 1 for code in categories}
    return rules


def _use(campaign: Campaign, rules: dict) -> None:
    CampaignRules.objects.filter(campaign=campaign).delete()
    CampaignRules.objects.create(campaign=campaign, version=1, rules=rules, note="test")


def selection_reason(
    campaign: Campaign, rules: dict, *, birth: dt.date, category: str, level: str
) -> Ineligibility:
    """What a run of `campaign` under `rules` records for this candidate (with one commune chosen)."""
    parsed = scoring.parse_rules(rules_for_run(rules, campaign))
    candidates = scoring.Candidates(
        application_id=np.array([1], dtype=np.int64),
        birth_date=np.array([birth], dtype="datetime64[D]"),
        category=np.array([category]),
        education_level=np.array([level]),
        survey_count=np.zeros(1, dtype=np.int16),
        ict_skill=np.zeros(1, dtype=np.int8),
        language_count=np.zeros(1, dtype=np.int8),
        residence=np.array([-1], dtype=np.int32),
        choices=np.array([[0]], dtype=np.int32),
        accepts_province_fallback=np.zeros(1, dtype=bool),
    )
    return Ineligibility(int(scoring.ineligibility(candidates, parsed, EDUCATION_ORDER)[0]))


def form_reasons(campaign: Campaign, *, birth: dt.date, category: str, level: str) -> list[Ineligibility]:
    """The eligibility refusals of the identity and situation steps for these answers, in the selection's order."""
    identity = IdentityForm(
        {
            "birth_date_day": str(birth.day),
            "birth_date_month": str(birth.month),
            "birth_date_year": str(birth.year),
        },
        campaign=campaign,
    )
    identity.is_valid()
    situation = SituationForm(
        {"category": category, "education_level": level, "education_field": "Économie"}, campaign=campaign
    )
    situation.is_valid()
    codes = {error.code for errors in identity.errors.as_data().values() for error in errors}
    codes |= {error.code for errors in situation.errors.as_data().values() for error in errors}
    return [reason for reason in Ineligibility if reason.name.lower() in codes]


def _near(anchor: dt.date, years: int, shift: int) -> dt.date:
    """`years` before `anchor`, on the same day (28 February for 29 February in a common year), moved `shift` days."""
    year = anchor.year - years
    try:
        day = anchor.replace(year=year)
    except ValueError:
        day = dt.date(year, 2, 28)
    return day + dt.timedelta(days=shift)


@st.composite
def cases(draw):
    min_age = draw(st.integers(16, 30))
    max_age = draw(st.integers(min_age, 70))
    # A fixed day (29 February among them) or, as by default, the day registration closes.
    age_on = draw(
        st.one_of(
            st.none(),
            st.dates(dt.date(2016, 1, 1), dt.date(2026, 12, 31)),
            st.sampled_from([dt.date(2024, 2, 29), dt.date(2020, 2, 29), dt.date(2025, 3, 1)]),
        )
    )
    categories = draw(st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=5, unique=True))
    min_education = draw(st.sampled_from(EDUCATION_ORDER))
    by_category = draw(
        st.dictionaries(st.sampled_from(categories), st.sampled_from(EDUCATION_ORDER), max_size=3)
    )
    # Birth dates on and around each bound: the birthday on the day, the day before, the day after.
    bound = draw(st.sampled_from([min_age - 1, min_age, max_age, max_age + 1]))
    shift = draw(st.sampled_from([-366, -2, -1, 0, 1, 2, 365]))
    # Birthdays on 29 February, whose anniversary in a common year is 1 March.
    leap = draw(st.booleans())
    category = draw(st.sampled_from(CATEGORIES))
    level = draw(st.sampled_from(EDUCATION_ORDER))
    return {
        "rules": (min_age, max_age, age_on, categories, min_education, by_category),
        "bound": bound,
        "shift": shift,
        "leap": leap,
        "category": category,
        "level": level,
    }


@pytest.fixture
def campaign() -> Campaign:
    return CampaignFactory()


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_the_form_refuses_exactly_what_the_selection_finds_ineligible(campaign, case):
    rules = _rules(*case["rules"])
    _use(campaign, rules)
    age_on = case["rules"][2] or schedule.age_reference_date(campaign)
    birth = _near(age_on, case["bound"], case["shift"])
    if case["leap"]:
        leap_year = next(year for year in range(birth.year, birth.year - 4, -1) if year % 4 == 0)
        birth = dt.date(leap_year, 2, 29)
    category, level = case["category"], case["level"]
    # A holder of a post-baccalaureate diploma with no diploma beyond it: the form's own consistency check, not
    # an eligibility rule; the selection never sees such an answer.
    if category == Application.Category.GRADUATE and level in ("secondary", "baccalaureate"):
        level = "bac_3"

    admitted, highest = case["rules"][3][0], EDUCATION_ORDER[-1]
    middle_age_birth = _near(age_on, (case["rules"][0] + case["rules"][1]) // 2, 0)

    # Age alone: a category and a level every rule accepts.
    form_age = form_reasons(campaign, birth=birth, category=admitted, level=highest)
    assert (Ineligibility.AGE in form_age) == (
        selection_reason(campaign, rules, birth=birth, category=admitted, level=highest) == Ineligibility.AGE
    )
    # Situation alone: an age every rule accepts.
    form_situation = [
        reason
        for reason in form_reasons(campaign, birth=middle_age_birth, category=category, level=level)
        if reason != Ineligibility.AGE
    ]
    assert first_reason(form_situation) == selection_reason(
        campaign, rules, birth=middle_age_birth, category=category, level=level
    )
    # Everything at once: the first reason the form gives is the one the selection records.
    together = form_reasons(campaign, birth=birth, category=category, level=level)
    assert first_reason(together) == selection_reason(
        campaign, rules, birth=birth, category=category, level=level
    )


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("level", EDUCATION_ORDER)
def test_every_category_and_level_under_the_census_defaults(campaign, category, level):
    rules = default_census_rules()
    _use(campaign, rules)
    birth = _near(schedule.age_reference_date(campaign), 30, 0)
    expected = selection_reason(campaign, rules, birth=birth, category=category, level=level)
    found = [r for r in form_reasons(campaign, birth=birth, category=category, level=level)]
    if category == Application.Category.GRADUATE and level in ("secondary", "baccalaureate"):
        # Refused by the form for consistency (a graduate has studied beyond the baccalaureate) and by the
        # rules (below the baccalaureate) or not: the selection's reason, where there is one, is the form's.
        assert expected in (Ineligibility.ELIGIBLE, *found)
        return
    assert first_reason(found) == expected


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (dt.date(2006, 2, 27), dt.date(2024, 2, 27), 18),  # the birthday on the day: 18 that day
        (dt.date(2006, 2, 28), dt.date(2024, 2, 27), 17),  # the day after: still 17
        (dt.date(2004, 2, 29), dt.date(2023, 2, 28), 18),  # born on 29 February: not yet 19 on 28 February
        (dt.date(2004, 2, 29), dt.date(2023, 3, 1), 19),
        (dt.date(2004, 2, 29), dt.date(2024, 2, 29), 20),
        (dt.date(1958, 2, 28), dt.date(2024, 2, 27), 65),
    ],
)
def test_one_age_rule_for_the_form_and_the_selection(birth, on, age):
    assert age_in_years(birth, on) == age
    assert int(scoring.completed_years(np.array([birth], dtype="datetime64[D]"), on)[0]) == age


def test_a_category_minimum_overrides_the_general_one():
    rules = scoring.parse_rules(
        rules_for_run(
            _rules(18, 65, dt.date(2024, 6, 1), CATEGORIES, "baccalaureate", {"student": "bac_2"}),
            Campaign(registration_closes_at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC)),
        )
    )
    student = failing_reasons(
        rules, education_order=EDUCATION_ORDER, category="student", education_level="baccalaureate"
    )
    retiree = failing_reasons(
        rules, education_order=EDUCATION_ORDER, category="public_retiree", education_level="baccalaureate"
    )
    assert student == [Ineligibility.EDUCATION]
    assert retiree == []


def test_rules_saved_before_the_per_category_minimum_still_parse():
    old = default_census_rules()
    old["eligibility"]["age_on"] = "2024-02-27"
    assert "min_education_by_category" not in old["eligibility"]
    parsed = scoring.parse_rules(old)
    assert parsed.min_education_for("student") == "baccalaureate"
