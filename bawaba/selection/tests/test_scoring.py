"""Tests of the pure scoring step: eligibility, score, priorities, places and the province fallback.

No database and no Django: run with
``.venv/bin/python -m pytest bawaba/selection/tests/test_scoring.py -p no:django -o addopts=""``.
Hand-made tables for each rule, then hypothesis properties against a plain-Python reference.
"""

import copy
import datetime
import math
import subprocess
import sys
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bawaba.selection.engine import digest_instance, lottery_numbers
from bawaba.selection.scoring import (
    SCORE_PARTS,
    Candidates,
    Ineligibility,
    RulesError,
    Territory,
    capacities,
    completed_years,
    ineligibility,
    parse_rules,
    prepare,
    priorities_at,
    province_neighbours,
    score_parts,
)

EDUCATION = ("secondary", "baccalaureate", "bac_2", "bac_3", "bac_5", "doctorate")
CATEGORIES = ("graduate", "student", "civil_servant", "private_employee", "public_retiree")
SEED = "tirage public"
DELETE = object()


def base_rules() -> dict:
    return {
        "schema": 1,
        "eligibility": {
            "min_age": 18,
            "max_age": 65,
            "age_on": "2024-06-12",
            "categories": list(CATEGORIES),
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
        "over_selection": {"factor": "1.01", "regions": {"02": "1.10"}},
        "province_fallback": {"enabled": True, "max_communes": 10},
    }


def rules_with(**changes: object) -> dict:
    """The base rules with dotted paths replaced (``eligibility__min_age=20``), or removed with DELETE."""
    rules = copy.deepcopy(base_rules())
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        node = rules
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return rules


# Province P0 (region 01): communes 0-6 around (30, -8); P1 (region 01): 7, 8; P2 (region 02): 9, 10.
# Coordinates are multiples of 1/4 so that distances tie exactly where a test needs a tie.
NAN = math.nan
COMMUNES = [
    # (province, latitude, longitude)
    (0, 30.0, -8.0),
    (0, 30.0, -8.25),
    (0, 30.0, -7.0),
    (0, 30.5, -8.0),
    (0, NAN, NAN),
    (0, 30.0, -7.75),
    (0, NAN, NAN),
    (1, 31.0, -6.0),
    (1, 31.0, -6.5),
    (2, 34.0, -5.0),
    (2, 34.0, -5.5),
]
PROVINCE_REGION = [0, 0, 1]


def make_territory(
    communes: Sequence[tuple[int, float, float]] = COMMUNES, province_region: Sequence[int] = PROVINCE_REGION
) -> Territory:
    province = np.array([row[0] for row in communes], dtype=np.int32)
    n_regions = max(province_region, default=-1) + 1
    return Territory(
        commune_id=np.arange(len(communes), dtype=np.int64) * 10 + 5,
        commune_code=np.array([f"{c:03d}.01.{c:02d}" for c in range(len(communes))], dtype=str),
        province_index=province,
        province_code=np.array([f"P{p}" for p in range(len(province_region))], dtype=str),
        region_index=np.array(province_region, dtype=np.int32)[province],
        region_code=np.array([f"{r + 1:02d}" for r in range(n_regions)], dtype=str),
        latitude=np.array([row[1] for row in communes], dtype=np.float64),
        longitude=np.array([row[2] for row in communes], dtype=np.float64),
    )


TERRITORY = make_territory()
NEEDS = np.array([4, 0, 1, 100, 2, 3, 5, 7, 10, 10, 99], dtype=np.int64)

DEFAULT_CANDIDATE = {
    "birth_date": "1990-01-01",
    "category": "graduate",
    "education_level": "bac_3",
    "survey_count": 0,
    "ict_skill": 0,
    "language_count": 0,
    "residence": -1,
    "choices": (),
    "accepts_province_fallback": False,
}


def make_candidates(
    rows: Sequence[dict], *, ids: Sequence[int] | None = None, k: int | None = None
) -> Candidates:
    """Candidates from dicts overriding :data:`DEFAULT_CANDIDATE`; ids default to 1, 2, ..."""
    rows = [{**DEFAULT_CANDIDATE, **row} for row in rows]
    n = len(rows)
    k = max([len(row["choices"]) for row in rows] + [1]) if k is None else k
    choices = np.full((n, k), -1, dtype=np.int32)
    for i, row in enumerate(rows):
        choices[i, : len(row["choices"])] = row["choices"]
    return Candidates(
        application_id=np.arange(1, n + 1, dtype=np.int64)
        if ids is None
        else np.asarray(ids, dtype=np.int64),
        birth_date=np.array([row["birth_date"] or "NaT" for row in rows], dtype="datetime64[D]"),
        category=np.array([row["category"] for row in rows], dtype=str) if n else np.zeros(0, "<U1"),
        education_level=np.array([row["education_level"] for row in rows], dtype=str)
        if n
        else np.zeros(0, "<U1"),
        survey_count=np.array([row["survey_count"] for row in rows], dtype=np.int16),
        ict_skill=np.array([row["ict_skill"] for row in rows], dtype=np.int8),
        language_count=np.array([row["language_count"] for row in rows], dtype=np.int8),
        residence=np.array([row["residence"] for row in rows], dtype=np.int32),
        choices=choices,
        accepts_province_fallback=np.array([row["accepts_province_fallback"] for row in rows], dtype=bool),
    )


def run_prepare(rows: Sequence[dict], rules: dict | None = None, **kwargs: object):
    return prepare(
        make_candidates(rows, **kwargs),
        TERRITORY,
        NEEDS,
        base_rules() if rules is None else rules,
        seed=SEED,
        education_order=EDUCATION,
    )


def rows_of(preferences: np.ndarray) -> list[list[int]]:
    return [[int(c) for c in row if c >= 0] for row in preferences]


# ------------------------------------------------------------------------------------------- eligibility

REASONS = [
    pytest.param({}, Ineligibility.ELIGIBLE, id="eligible"),
    pytest.param({"birth_date": "2010-01-01"}, Ineligibility.AGE, id="too-young"),
    pytest.param({"birth_date": "1950-01-01"}, Ineligibility.AGE, id="too-old"),
    pytest.param({"birth_date": None}, Ineligibility.AGE, id="no-birth-date"),
    pytest.param({"birth_date": "2030-01-01"}, Ineligibility.AGE, id="born-in-the-future"),
    pytest.param({"category": "unemployed"}, Ineligibility.CATEGORY, id="category-not-listed"),
    pytest.param({"category": ""}, Ineligibility.CATEGORY, id="no-category"),
    pytest.param({"education_level": "secondary"}, Ineligibility.EDUCATION, id="education-below-minimum"),
    pytest.param({"education_level": "baccalaureate"}, Ineligibility.ELIGIBLE, id="education-at-minimum"),
    pytest.param({"education_level": "doctorate"}, Ineligibility.ELIGIBLE, id="education-at-the-top"),
    pytest.param({"education_level": "master"}, Ineligibility.EDUCATION, id="education-unknown"),
    pytest.param({"education_level": ""}, Ineligibility.EDUCATION, id="no-education"),
    pytest.param({"choices": ()}, Ineligibility.NO_CHOICE, id="no-choice"),
    # The first failing reason, in the order age, category, education, choices, is the one recorded.
    pytest.param(
        {"birth_date": None, "category": "", "education_level": "", "choices": ()},
        Ineligibility.AGE,
        id="age-first",
    ),
    pytest.param(
        {"category": "", "education_level": "", "choices": ()}, Ineligibility.CATEGORY, id="category-second"
    ),
    pytest.param({"education_level": "", "choices": ()}, Ineligibility.EDUCATION, id="education-third"),
]


@pytest.mark.parametrize(("row", "expected"), REASONS)
def test_records_the_first_failing_eligibility_reason(row: dict, expected: Ineligibility) -> None:
    prepared = run_prepare([{"choices": (0,), **row}])
    assert prepared.ineligibility.tolist() == [expected]
    assert prepared.ineligibility.dtype == np.int8
    assert prepared.eligible_rows.tolist() == ([0] if expected == Ineligibility.ELIGIBLE else [])
    assert prepared.instance.n_candidates == len(prepared.eligible_rows)


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        pytest.param("2006-06-12", Ineligibility.ELIGIBLE, id="18th-birthday-on-the-day"),
        pytest.param("2006-06-13", Ineligibility.AGE, id="18th-birthday-the-day-after"),
        pytest.param("1958-06-13", Ineligibility.ELIGIBLE, id="66th-birthday-tomorrow"),
        pytest.param("1958-06-12", Ineligibility.AGE, id="66th-birthday-on-the-day"),
    ],
)
def test_counts_ages_in_completed_years_on_the_rules_day(birth_date: str, expected: Ineligibility) -> None:
    prepared = run_prepare([{"birth_date": birth_date, "choices": (0,)}])
    assert prepared.ineligibility.tolist() == [expected]


@pytest.mark.parametrize(
    ("birth_date", "on", "expected"),
    [
        ("2000-06-12", "2024-06-12", 24),
        ("2000-06-13", "2024-06-12", 23),
        ("2000-12-31", "2024-01-01", 23),
        ("2000-01-01", "2024-12-31", 24),
        # Born on 29 February: in a common year the birthday is reached on 1 March, not on 28 February.
        ("2000-02-29", "2023-02-28", 22),
        ("2000-02-29", "2023-03-01", 23),
        ("2000-02-29", "2024-02-28", 23),
        ("2000-02-29", "2024-02-29", 24),
        ("2000-03-01", "2024-02-29", 23),
        ("2000-02-28", "2023-02-28", 23),
        ("1969-12-31", "2024-06-12", 54),  # before the NumPy epoch
        ("2024-06-13", "2024-06-12", -1),
    ],
)
def test_completed_years(birth_date: str, on: str, expected: int) -> None:
    ages = completed_years(np.array([birth_date], dtype="datetime64[D]"), datetime.date.fromisoformat(on))
    assert ages.tolist() == [expected]


def test_born_on_29_february_is_18_on_1_march_of_a_common_year() -> None:
    rules = rules_with(eligibility__age_on="2024-02-28")
    rows = [{"birth_date": "2006-02-28", "choices": (0,)}, {"birth_date": "2004-02-29", "choices": (0,)}]
    assert run_prepare(rows, rules).ineligibility.tolist() == [0, 0]
    # 2022 is a common year: she turns 18 on 1 March, so on 28 February she is still 17.
    rules = rules_with(eligibility__age_on="2022-02-28")
    rows = [{"birth_date": "2004-02-29", "choices": (0,)}]
    assert run_prepare(rows, rules).ineligibility.tolist() == [Ineligibility.AGE]
    rules = rules_with(eligibility__age_on="2022-03-01")
    assert run_prepare(rows, rules).ineligibility.tolist() == [Ineligibility.ELIGIBLE]


def test_min_choices_counts_declared_choices_only() -> None:
    rules = rules_with(eligibility__min_choices=2)
    rows = [
        {"choices": (0,), "residence": 0, "accepts_province_fallback": True},
        {"choices": (0, 7)},
    ]
    prepared = run_prepare(rows, rules)
    assert prepared.ineligibility.tolist() == [Ineligibility.NO_CHOICE, Ineligibility.ELIGIBLE]


def test_min_choices_zero_keeps_a_candidate_with_an_empty_list() -> None:
    prepared = run_prepare([{"choices": ()}, {"choices": ()}], rules_with(eligibility__min_choices=0))
    assert prepared.eligible_rows.tolist() == [0, 1]
    assert prepared.instance.preferences.tolist() == [[-1], [-1]]


def test_rejects_an_education_code_outside_the_education_order() -> None:
    with pytest.raises(RulesError) as error:
        run_prepare([{"choices": (0,)}], rules_with(eligibility__min_education="bac"))
    assert error.value.messages == ["eligibility.min_education is 'bac', which is not an education level."]
    rules = rules_with(score__education_level={"bac_3": 15, "licence": 15})
    with pytest.raises(RulesError) as error:
        run_prepare([{"choices": (0,)}], rules)
    assert error.value.messages == ["score.education_level.licence is not an education level."]


# ------------------------------------------------------------------------------------------------- score


SCORES = [
    pytest.param({}, [30, 15, 0, 0, 0], id="defaults"),
    pytest.param({"category": "student", "education_level": "bac_5"}, [20, 20, 0, 0, 0], id="points-tables"),
    pytest.param({"survey_count": 2}, [30, 15, 20, 0, 0], id="surveys"),
    pytest.param({"survey_count": 3}, [30, 15, 30, 0, 0], id="surveys-at-the-cap"),
    pytest.param({"survey_count": 40}, [30, 15, 30, 0, 0], id="surveys-beyond-the-cap"),
    pytest.param({"ict_skill": 1}, [30, 15, 0, 5, 0], id="ict-1"),
    pytest.param({"ict_skill": 3}, [30, 15, 0, 15, 0], id="ict-3"),
    pytest.param({"language_count": 3}, [30, 15, 0, 0, 6], id="languages"),
    pytest.param({"language_count": 9}, [30, 15, 0, 0, 8], id="languages-beyond-the-cap"),
    # Ineligible candidates are scored too: an official can show them what they would have had.
    pytest.param({"category": "", "education_level": "master"}, [0, 0, 0, 0, 0], id="unknown-codes-earn-0"),
    pytest.param(
        {"category": "public_retiree", "education_level": "secondary", "survey_count": 1, "ict_skill": 2},
        [25, 0, 10, 10, 0],
        id="mixed",
    ),
]


@pytest.mark.parametrize(("row", "expected"), SCORES)
def test_scores_each_part(row: dict, expected: list[int]) -> None:
    prepared = run_prepare([{"choices": (0,), **row}])
    assert prepared.score_parts.tolist() == [expected]
    assert prepared.score.tolist() == [sum(expected)]
    assert prepared.score_parts.dtype == np.int64


def test_a_category_without_points_scores_0() -> None:
    rules = rules_with(score__category={"graduate": 30})
    prepared = run_prepare([{"category": "student", "choices": (0,)}], rules)
    assert prepared.score_parts[0, SCORE_PARTS.index("category")] == 0
    assert prepared.ineligibility.tolist() == [Ineligibility.ELIGIBLE]


def test_an_ict_level_without_points_scores_0() -> None:
    rules = rules_with(score__ict_skill={"3": 15})
    parts = score_parts(make_candidates([{"ict_skill": 2}, {"ict_skill": 3}]), parse_rules(rules), EDUCATION)
    assert parts[:, SCORE_PARTS.index("ict_skill")].tolist() == [0, 15]


def test_priority_has_the_commune_bonus_at_home_and_the_province_bonus_in_her_province() -> None:
    # Score 45; lives in commune 1 (province P0). Choices: other province, home, same province.
    rows = [{"residence": 1, "choices": (9, 1, 3)}, {"residence": -1, "choices": (1, 3)}]
    prepared = run_prepare(rows)
    assert prepared.instance.priorities.tolist() == [[45, 65, 53], [45, 45, 0]]


def test_priorities_at_pads_with_zero() -> None:
    preferences = np.array([[1, 3, -1], [-1, -1, -1]], dtype=np.int32)
    priority = priorities_at(
        preferences,
        np.array([45, 7]),
        np.array([1, -1], dtype=np.int32),
        TERRITORY,
        parse_rules(base_rules()),
    )
    assert priority.tolist() == [[65, 53, 0], [0, 0, 0]]
    assert priority.dtype == np.int64


def test_bonuses_can_be_zero() -> None:
    rules = rules_with(bonus={"residence_commune": 0, "residence_province": 0})
    prepared = run_prepare([{"residence": 1, "choices": (9, 1, 3)}], rules)
    assert prepared.instance.priorities.tolist() == [[45, 45, 45]]


# ------------------------------------------------------------------------------------------------ places


@pytest.mark.parametrize(
    ("factor", "regions", "needs", "expected"),
    [
        pytest.param("1.01", {}, [0, 1, 99, 100, 101], [0, 2, 100, 101, 103], id="rounds-up"),
        pytest.param("1", {}, [0, 1, 99], [0, 1, 99], id="factor-one"),
        pytest.param("1.00", {}, [7], [7], id="factor-one-with-decimals"),
        # 10 x 1.1 is 11.000000000000002 in floating point, which a float ceil would turn into 12.
        pytest.param("1.1", {}, [10, 20, 30], [11, 22, 33], id="exact-not-float"),
        pytest.param("3", {}, [5], [15], id="factor-three"),
        pytest.param("1.01", {"02": "1.10"}, [10, 10, 10], [11, 11, 11], id="region-override"),
    ],
)
def test_computes_places_as_needs_times_factor_rounded_up(
    factor: str, regions: dict, needs: list[int], expected: list[int]
) -> None:
    # One commune per need, all in region 02 when the override is tested, else in region 01.
    region = 1 if regions else 0
    territory = make_territory([(region, 30.0, -8.0)] * len(needs), [0, 1])
    rules = parse_rules(rules_with(over_selection={"factor": factor, "regions": regions}))
    places = capacities(np.array(needs, dtype=np.int64), territory, rules)
    assert places.tolist() == expected
    assert places.dtype == np.int64


def test_applies_a_region_override_only_to_that_region() -> None:
    rules = parse_rules(rules_with(over_selection={"factor": "1.01", "regions": {"02": "1.5"}}))
    places = capacities(np.full(TERRITORY.n_communes, 10, dtype=np.int64), TERRITORY, rules)
    assert places.tolist() == [11] * 9 + [15, 15]


def test_rejects_a_region_override_for_an_unknown_region() -> None:
    rules = parse_rules(rules_with(over_selection={"factor": "1.01", "regions": {"6": "1.10"}}))
    with pytest.raises(RulesError) as error:
        capacities(NEEDS, TERRITORY, rules)
    assert error.value.messages == ["over_selection.regions.6 is not a region code of the territory."]


def test_computes_exact_places_with_a_factor_too_fine_for_int64() -> None:
    rules = parse_rules(rules_with(over_selection={"factor": "1.0000000000000000001", "regions": {}}))
    territory = make_territory([(0, 30.0, -8.0)] * 3, [0])
    places = capacities(np.array([0, 10**12, 10**13], dtype=np.int64), territory, rules)
    assert places.tolist() == [0, 10**12 + 1, 10**13 + 1]


def test_rejects_needs_of_the_wrong_shape_or_sign() -> None:
    rules = parse_rules(base_rules())
    with pytest.raises(ValueError, match="needs must have 11 entries"):
        capacities(np.zeros(3, dtype=np.int64), TERRITORY, rules)
    with pytest.raises(ValueError, match="needs must be >= 0"):
        capacities(np.full(11, -1, dtype=np.int64), TERRITORY, rules)


# --------------------------------------------------------------------------------------- province fallback


def test_orders_each_communes_province_nearest_first_unknown_coordinates_last() -> None:
    table = province_neighbours(TERRITORY, 7)
    # From commune 0: itself, then 1 and 5 (tied at a quarter degree of longitude: lower index first), then 3
    # (half a degree of latitude), then 2 (a degree of longitude), then 4 and 6 whose centroids are unknown.
    assert table[0].tolist() == [0, 1, 5, 3, 2, 4, 6]
    assert table[2].tolist() == [2, 5, 0, 3, 1, 4, 6]
    # A commune without a centroid: itself first, then the others by index.
    assert table[4].tolist() == [4, 0, 1, 2, 3, 5, 6]
    assert table[7].tolist() == [7, 8, -1, -1, -1, -1, -1]
    assert table[10].tolist() == [10, 9, -1, -1, -1, -1, -1]
    assert province_neighbours(TERRITORY, 2)[0].tolist() == [0, 1]


def test_measures_east_west_distances_shrunk_by_the_cosine_of_the_latitude() -> None:
    # At latitude 60 a degree of longitude is half a degree of latitude: 0.6 degrees east (about 33 km) is
    # nearer than 0.4 degrees north (about 44 km).
    territory = make_territory([(0, 60.0, 10.0), (0, 60.4, 10.0), (0, 60.0, 10.6)], [0])
    assert province_neighbours(territory, 3)[0].tolist() == [0, 2, 1]


FALLBACK = [
    pytest.param(0, (5, 9), 10, [5, 9, 0, 1, 3, 2, 4, 6], id="own-commune-first-declared-removed"),
    pytest.param(0, (0, 1), 10, [0, 1, 5, 3, 2, 4, 6], id="own-commune-declared"),
    pytest.param(0, (5, 9), 3, [5, 9, 0, 1, 3], id="limited"),
    pytest.param(0, (7,), 1, [7, 0], id="limit-one"),
    pytest.param(4, (8,), 10, [8, 4, 0, 1, 2, 3, 5, 6], id="home-without-centroid"),
    pytest.param(8, (7, 9), 10, [7, 9, 8], id="small-province"),
    pytest.param(8, (8, 7), 10, [8, 7], id="whole-province-declared"),
]


@pytest.mark.parametrize(("residence", "choices", "limit", "expected"), FALLBACK)
def test_appends_the_province_fallback_after_the_declared_choices(
    residence: int, choices: tuple[int, ...], limit: int, expected: list[int]
) -> None:
    rules = rules_with(province_fallback__max_communes=limit)
    rows = [{"residence": residence, "choices": choices, "accepts_province_fallback": True}]
    prepared = run_prepare(rows, rules)
    assert rows_of(prepared.instance.preferences) == [expected]
    assert prepared.declared_count.tolist() == [len(choices)]
    assert prepared.instance.preferences.shape == (1, len(expected))  # the widest actual row


def test_fallback_priorities_carry_the_residence_bonuses() -> None:
    rules = rules_with(province_fallback__max_communes=2)
    rows = [{"residence": 0, "choices": (9,), "accepts_province_fallback": True}]
    prepared = run_prepare(rows, rules)
    assert rows_of(prepared.instance.preferences) == [[9, 0, 1]]
    assert prepared.instance.priorities.tolist() == [[45, 65, 53]]


@pytest.mark.parametrize(
    ("row", "rules"),
    [
        pytest.param({"residence": 0, "accepts_province_fallback": False}, base_rules(), id="box-not-ticked"),
        pytest.param({"residence": -1, "accepts_province_fallback": True}, base_rules(), id="no-residence"),
        pytest.param(
            {"residence": 0, "accepts_province_fallback": True},
            rules_with(province_fallback__enabled=False),
            id="disabled-by-the-rules",
        ),
    ],
)
def test_gives_no_fallback(row: dict, rules: dict) -> None:
    prepared = run_prepare([{"choices": (9, 7), **row}], rules)
    assert prepared.instance.preferences.tolist() == [[9, 7]]
    assert prepared.declared_count.tolist() == [2]


def test_rows_mix_declared_and_fallback_choices_and_leave_out_ineligible_candidates() -> None:
    rules = rules_with(province_fallback__max_communes=2)
    rows = [
        {"residence": 0, "choices": (9,), "accepts_province_fallback": True},
        {"residence": 0, "choices": (9,), "accepts_province_fallback": True, "category": ""},
        {"residence": 7, "choices": (1, 2, 3), "accepts_province_fallback": False},
        {"residence": 10, "choices": (), "accepts_province_fallback": True},
        {"residence": 8, "choices": (7,), "accepts_province_fallback": True},
    ]
    prepared = run_prepare(rows, rules, ids=[3, 8, 20, 21, 40])
    assert prepared.eligible_rows.tolist() == [0, 2, 4]  # row 3 declared nothing: NO_CHOICE, no fallback
    assert prepared.ineligibility.tolist() == [0, 2, 0, 4, 0]
    assert rows_of(prepared.instance.preferences) == [[9, 0, 1], [1, 2, 3], [7, 8]]
    assert prepared.declared_count.tolist() == [1, 3, 1]
    assert prepared.declared_count.dtype == np.int16
    assert prepared.instance.lottery.tolist() == lottery_numbers(SEED, [3, 20, 40]).tolist()
    assert prepared.instance.capacities.tolist() == [5, 0, 2, 101, 3, 4, 6, 8, 11, 11, 109]


def test_instance_is_at_least_one_choice_wide_even_without_eligible_candidates() -> None:
    prepared = run_prepare([{"category": ""}], k=3)
    assert prepared.instance.preferences.shape == (0, 1)
    assert prepared.eligible_rows.shape == (0,)
    prepared = run_prepare([])
    assert prepared.instance.preferences.shape == (0, 1)
    assert prepared.score_parts.shape == (0, 5)


def test_trims_unused_choice_columns() -> None:
    prepared = run_prepare([{"choices": (0, 7)}], k=5)
    assert prepared.instance.preferences.tolist() == [[0, 7]]


def test_prepared_arrays_are_read_only() -> None:
    prepared = run_prepare([{"choices": (0,)}])
    for name in ("ineligibility", "score_parts", "score", "eligible_rows", "declared_count"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(prepared, name)[...] = 0


# -------------------------------------------------------------------------------------------- rules shape


def test_parses_the_base_rules() -> None:
    rules = parse_rules(base_rules())
    assert rules.age_on == datetime.date(2024, 6, 12)
    assert rules.categories == CATEGORIES
    assert rules.factor == Fraction(101, 100)
    assert rules.region_factors == (("02", Fraction(11, 10)),)
    assert rules.ict_points == (0, 5, 10, 15)
    assert dict(rules.category_points)["graduate"] == 30
    assert (rules.fallback_enabled, rules.fallback_max_communes) == (True, 10)
    assert rules == parse_rules(base_rules())  # a value: equal rules compare equal


RULE_PROBLEMS = [
    pytest.param({"schema": 2}, "schema must be 1.", id="schema"),
    pytest.param({"schema": True}, "schema must be 1.", id="schema-bool"),
    pytest.param(
        {"score__category__graduate": -1},
        "score.category.graduate must be a whole number >= 0.",
        id="negative",
    ),
    pytest.param(
        {"score__category__graduate": 2.5}, "score.category.graduate must be a whole number >= 0.", id="float"
    ),
    pytest.param(
        {"score__category__graduate": True}, "score.category.graduate must be a whole number >= 0.", id="bool"
    ),
    pytest.param(
        {"score__category__graduate": "30"},
        "score.category.graduate must be a whole number >= 0.",
        id="string",
    ),
    pytest.param(
        {"score__category__graduate": 10**7}, "score.category.graduate must be at most 1,000,000.", id="huge"
    ),
    pytest.param(
        {"score__category__unemployed": 5},
        "score.category.unemployed is not one of eligibility.categories.",
        id="category-typo",
    ),
    pytest.param(
        {"score__ict_skill__4": 5},
        "score.ict_skill.4 is not an ICT level (expected 0, 1, 2 or 3).",
        id="ict-level",
    ),
    pytest.param(
        {"score__survey_experience__max_surveys": DELETE},
        "score.survey_experience.max_surveys is missing.",
        id="missing",
    ),
    pytest.param(
        {"score__languages__per_langage": 2},
        "score.languages.per_langage is not a known setting (expected per_language, max_languages).",
        id="typo",
    ),
    pytest.param(
        {"bonus": [20, 8]},
        "bonus must be an object with the keys residence_commune, residence_province.",
        id="section-not-an-object",
    ),
    pytest.param({"bonus": DELETE}, "bonus is missing.", id="section-missing"),
    pytest.param(
        {"eligibility__min_age": 70},
        "eligibility.min_age must not be greater than eligibility.max_age.",
        id="ages",
    ),
    pytest.param(
        {"eligibility__age_on": "2024-02-30"},
        'eligibility.age_on must be a date written YYYY-MM-DD, such as "2024-06-12".',
        id="age-on-invalid",
    ),
    pytest.param(
        {"eligibility__age_on": "20240612"},
        'eligibility.age_on must be a date written YYYY-MM-DD, such as "2024-06-12".',
        id="age-on-compact",
    ),
    pytest.param(
        {"eligibility__age_on": None},
        'eligibility.age_on must be a date written YYYY-MM-DD, such as "2024-06-12".',
        id="age-on-none",
    ),
    pytest.param(
        {"eligibility__categories": "graduate"},
        "eligibility.categories must be a list of distinct category codes.",
        id="categories-string",
    ),
    pytest.param(
        {"eligibility__categories": ["graduate", "graduate"]},
        "eligibility.categories must be a list of distinct category codes.",
        id="categories-repeated",
    ),
    pytest.param(
        {"eligibility__min_choices": -1},
        "eligibility.min_choices must be a whole number >= 0.",
        id="min-choices",
    ),
    pytest.param(
        {"over_selection__factor": 1.01},
        'over_selection.factor must be a decimal string from 1 to 3, such as "1.05".',
        id="factor-float",
    ),
    pytest.param(
        {"over_selection__factor": "0.99"},
        'over_selection.factor must be a decimal string from 1 to 3, such as "1.05".',
        id="factor-below-1",
    ),
    pytest.param(
        {"over_selection__factor": "3.01"},
        'over_selection.factor must be a decimal string from 1 to 3, such as "1.05".',
        id="factor-above-3",
    ),
    pytest.param(
        {"over_selection__factor": "1,05"},
        'over_selection.factor must be a decimal string from 1 to 3, such as "1.05".',
        id="factor-comma",
    ),
    pytest.param(
        {"over_selection__regions__02": "1e0"},
        'over_selection.regions.02 must be a decimal string from 1 to 3, such as "1.05".',
        id="region-factor",
    ),
    pytest.param(
        {"province_fallback__max_communes": 0},
        "province_fallback.max_communes must be a whole number from 1 to 100.",
        id="max-communes-0",
    ),
    pytest.param(
        {"province_fallback__max_communes": 101},
        "province_fallback.max_communes must be a whole number from 1 to 100.",
        id="max-communes-101",
    ),
    pytest.param(
        {"province_fallback__enabled": "yes"},
        "province_fallback.enabled must be true or false.",
        id="enabled",
    ),
    pytest.param(
        {"any_commune_in_province_fallback": True},
        "any_commune_in_province_fallback is not a known setting (expected schema, eligibility, score, bonus, "
        "over_selection, province_fallback).",
        id="unknown-top-level-key",
    ),
]


@pytest.mark.parametrize(("changes", "message"), RULE_PROBLEMS)
def test_reports_malformed_rules_by_path(changes: dict, message: str) -> None:
    with pytest.raises(RulesError) as error:
        parse_rules(rules_with(**changes))
    assert error.value.messages == [message]
    assert isinstance(error.value, ValueError)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param({"over_selection__factor": "3"}, Fraction(3), id="three"),
        pytest.param({"over_selection__factor": "1"}, Fraction(1), id="one"),
        pytest.param({"over_selection__factor": "2.50"}, Fraction(5, 2), id="decimals"),
    ],
)
def test_accepts_factors_from_1_to_3(changes: dict, expected: Fraction) -> None:
    assert parse_rules(rules_with(**changes)).factor == expected


def test_reports_every_problem_at_once() -> None:
    rules = rules_with(
        schema=2, score__category__graduate=-1, bonus__residence_province=DELETE, over_selection__factor="4"
    )
    with pytest.raises(RulesError) as error:
        parse_rules(rules)
    assert error.value.messages == [
        "schema must be 1.",
        "score.category.graduate must be a whole number >= 0.",
        "bonus.residence_province is missing.",
        'over_selection.factor must be a decimal string from 1 to 3, such as "1.05".',
    ]


def test_a_missing_section_is_reported_once() -> None:
    with pytest.raises(RulesError) as error:
        parse_rules(rules_with(score=DELETE))
    assert error.value.messages == ["score is missing."]


def test_rejects_rules_that_are_not_a_dict() -> None:
    with pytest.raises(RulesError) as error:
        parse_rules(["schema", 1])  # type: ignore[arg-type]
    assert error.value.messages == ["The rules must be an object (a dict)."]


# ------------------------------------------------------------------------------------------ input checks


def test_candidates_reject_malformed_arrays() -> None:
    good = make_candidates([{"choices": (0, 1)}, {"choices": (2,)}])
    fields = {name: getattr(good, name) for name in good.__dataclass_fields__}
    cases = [
        ({"application_id": np.array([2, 1])}, "application_id must be strictly ascending"),
        ({"application_id": np.array([1, 1])}, "application_id must be strictly ascending"),
        ({"choices": np.array([[-1, 1], [2, -1]])}, "choices row 0 has a commune after a -1"),
        ({"choices": np.array([[1, 1], [2, -1]])}, "choices row 0 lists a commune twice"),
        ({"choices": np.array([[0.0, 1.0], [2.0, -1.0]])}, "choices must hold integers"),
        ({"choices": np.array([[0, 1]])}, "choices must have one row per candidate"),
        ({"birth_date": np.array(["1990-01-01", "1990-01-01"], dtype="datetime64[s]")}, "datetime64\\[D\\]"),
        ({"category": np.array([1, 2])}, "category must be a NumPy unicode"),
        ({"ict_skill": np.array([0, 4])}, "ict_skill must lie in 0..3"),
        ({"survey_count": np.array([0, -1])}, "survey_count must be >= 0"),
        ({"residence": np.array([0, -2])}, "residence must be a commune index or -1"),
        (
            {"accepts_province_fallback": np.array([0, 1])},
            "accepts_province_fallback must be a \\(2,\\) bool",
        ),
        ({"survey_count": np.array([0, 40_000])}, "survey_count must fit in int16"),
    ]
    for change, message in cases:
        with pytest.raises(ValueError, match=message):
            Candidates(**{**fields, **change})


def test_candidates_are_read_only_copies() -> None:
    choices = np.array([[0, 1]], dtype=np.int64)
    candidates = make_candidates([{}])
    candidates = Candidates(
        **{
            **{name: getattr(candidates, name) for name in candidates.__dataclass_fields__},
            "choices": choices,
        }
    )
    choices[0, 0] = 5
    assert candidates.choices.tolist() == [[0, 1]]
    assert candidates.choices.dtype == np.int32
    with pytest.raises(ValueError, match="read-only"):
        candidates.choices[0, 0] = 3


def test_territory_rejects_malformed_arrays() -> None:
    fields = {name: getattr(TERRITORY, name) for name in TERRITORY.__dataclass_fields__}
    cases = [
        ({"commune_id": TERRITORY.commune_id[::-1]}, "commune_id must be strictly ascending"),
        (
            {"province_index": np.full(11, 3, dtype=np.int32)},
            "province_index must hold indices in \\[0, 3\\)",
        ),
        ({"region_code": np.array(["01", "01"])}, "region_code must not repeat a code"),
        ({"latitude": np.zeros(3)}, "latitude must have shape \\(11,\\)"),
        ({"commune_code": np.arange(11)}, "commune_code must be a NumPy unicode"),
    ]
    for change, message in cases:
        with pytest.raises(ValueError, match=message):
            Territory(**{**fields, **change})


def test_prepare_rejects_commune_indices_outside_the_territory() -> None:
    with pytest.raises(ValueError, match="choices must hold indices in \\[0, 11\\) or -1"):
        run_prepare([{"choices": (11,)}])
    with pytest.raises(ValueError, match="residence must hold indices in \\[0, 11\\) or -1"):
        run_prepare([{"choices": (1,), "residence": 11}])


def test_modules_do_not_import_django() -> None:
    code = (
        "import sys, bawaba.selection.scoring, bawaba.selection.frozen; "
        "sys.exit(any(name.split('.')[0] == 'django' for name in sys.modules))"
    )
    root = Path(__file__).resolve().parents[3]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0


# ------------------------------------------------------------------------------------ plain-Python reference


def reference_age(birth: datetime.date, on: datetime.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def reference_neighbours(territory: Territory, home: int) -> list[int]:
    """The province of ``home``, nearest first, written one commune at a time with ``math``."""
    lat, lon = territory.latitude.tolist(), territory.longitude.tolist()
    province = territory.province_index.tolist()
    scale = math.cos(math.radians(lat[home])) if not math.isnan(lat[home]) else math.nan

    def key(c: int) -> tuple:
        if c == home:
            return (0, 0.0, c)
        dx = (lon[c] - lon[home]) * scale
        dy = lat[c] - lat[home]
        distance = dx * dx + dy * dy
        return (2, 0.0, c) if math.isnan(distance) else (1, distance, c)

    return sorted((c for c in range(len(province)) if province[c] == province[home]), key=key)


def reference_prepare(candidates: Candidates, territory: Territory, needs: np.ndarray, rules: dict) -> dict:
    """What prepare() must produce, computed candidate by candidate from the rules dict itself."""
    eligibility, points = rules["eligibility"], rules["score"]
    on = datetime.date.fromisoformat(eligibility["age_on"])
    province = territory.province_index.tolist()
    fallback = rules["province_fallback"]
    reasons, parts, rows, priorities, declared_counts = [], [], [], [], []
    for i in range(candidates.n_candidates):
        birth = candidates.birth_date[i]
        choices = [int(c) for c in candidates.choices[i] if c >= 0]
        level = str(candidates.education_level[i])
        if np.isnat(birth) or not (
            eligibility["min_age"] <= reference_age(birth.item(), on) <= eligibility["max_age"]
        ):
            reason = 1
        elif str(candidates.category[i]) not in eligibility["categories"]:
            reason = 2
        elif level not in EDUCATION or EDUCATION.index(level) < EDUCATION.index(eligibility["min_education"]):
            reason = 3
        elif len(choices) < eligibility["min_choices"]:
            reason = 4
        else:
            reason = 0
        reasons.append(reason)
        survey, languages = points["survey_experience"], points["languages"]
        part = [
            points["category"].get(str(candidates.category[i]), 0),
            points["education_level"].get(level, 0),
            survey["per_survey"] * min(int(candidates.survey_count[i]), survey["max_surveys"]),
            points["ict_skill"].get(str(int(candidates.ict_skill[i])), 0),
            languages["per_language"] * min(int(candidates.language_count[i]), languages["max_languages"]),
        ]
        parts.append(part)
        if reason:
            continue
        home = int(candidates.residence[i])
        row = list(choices)
        if fallback["enabled"] and candidates.accepts_province_fallback[i] and home >= 0:
            extra = [c for c in reference_neighbours(territory, home) if c not in choices]
            row += extra[: fallback["max_communes"]]
        bonus = rules["bonus"]
        priority = []
        for c in row:
            if c == home:
                priority.append(sum(part) + bonus["residence_commune"])
            elif home >= 0 and province[c] == province[home]:
                priority.append(sum(part) + bonus["residence_province"])
            else:
                priority.append(sum(part))
        rows.append(row)
        priorities.append(priority)
        declared_counts.append(len(choices))
    regions = rules["over_selection"]["regions"]
    codes = territory.region_code.tolist()
    places = []
    for c in range(territory.n_communes):
        factor = Fraction(regions.get(codes[territory.region_index[c]], rules["over_selection"]["factor"]))
        places.append(math.ceil(int(needs[c]) * factor))
    return {
        "reasons": reasons,
        "parts": parts,
        "rows": rows,
        "priorities": priorities,
        "declared_count": declared_counts,
        "places": places,
    }


# --------------------------------------------------------------------------------------------- strategies

QUARTERS = st.one_of(st.just(NAN), st.integers(-8, 8).map(lambda x: x / 4))


@st.composite
def territories(draw: st.DrawFn) -> Territory:
    n_regions = draw(st.integers(1, 2))
    n_provinces = draw(st.integers(1, 3))
    province_region = [draw(st.integers(0, n_regions - 1)) for _ in range(n_provinces)]
    m = draw(st.integers(1, 9))
    communes = [
        (draw(st.integers(0, n_provinces - 1)), 30 + draw(QUARTERS), -8 + draw(QUARTERS)) for _ in range(m)
    ]
    return make_territory(communes, province_region)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Candidates, Territory, np.ndarray, dict]:
    territory = draw(territories())
    m = territory.n_communes
    n = draw(st.integers(0, 12))
    k = draw(st.integers(1, 4))
    rows = []
    for _ in range(n):
        rows.append(
            {
                "birth_date": draw(
                    st.sampled_from([None, "1958-06-12", "1990-02-28", "2004-02-29", "2006-06-13"])
                ),
                "category": draw(st.sampled_from(["", "unemployed", *CATEGORIES])),
                "education_level": draw(st.sampled_from(["", "master", *EDUCATION])),
                "survey_count": draw(st.integers(0, 6)),
                "ict_skill": draw(st.integers(0, 3)),
                "language_count": draw(st.integers(0, 6)),
                "residence": draw(st.integers(-1, m - 1)),
                "choices": draw(st.lists(st.integers(0, m - 1), unique=True, max_size=min(k, m))),
                "accepts_province_fallback": draw(st.booleans()),
            }
        )
    ids = sorted(draw(st.lists(st.integers(1, 10**9), unique=True, min_size=n, max_size=n)))
    candidates = make_candidates(rows, ids=ids, k=k)
    rules = rules_with(
        eligibility__age_on=draw(st.sampled_from(["2024-06-12", "2022-02-28", "2022-03-01"])),
        eligibility__min_choices=draw(st.integers(0, 2)),
        eligibility__min_education=draw(st.sampled_from(EDUCATION)),
        eligibility__categories=draw(st.lists(st.sampled_from(CATEGORIES), unique=True, min_size=1)),
        score__category={},
        score__survey_experience={
            "per_survey": draw(st.integers(0, 12)),
            "max_surveys": draw(st.integers(0, 4)),
        },
        score__languages={"per_language": draw(st.integers(0, 3)), "max_languages": draw(st.integers(0, 5))},
        bonus={"residence_commune": draw(st.integers(0, 25)), "residence_province": draw(st.integers(0, 10))},
        over_selection={
            "factor": draw(st.sampled_from(["1", "1.01", "1.1", "1.333", "2.5", "3"])),
            "regions": draw(
                st.dictionaries(
                    st.sampled_from(territory.region_code.tolist()), st.sampled_from(["1.05", "1.5"])
                )
            ),
        },
        province_fallback={"enabled": draw(st.booleans()), "max_communes": draw(st.integers(1, 5))},
    )
    rules["score"]["category"] = {
        code: draw(st.integers(0, 40)) for code in rules["eligibility"]["categories"]
    }
    needs = np.array(draw(st.lists(st.integers(0, 200), min_size=m, max_size=m)), dtype=np.int64)
    return candidates, territory, needs, rules


PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(scenarios())
def test_equals_the_plain_python_reference(scenario: tuple) -> None:
    candidates, territory, needs, rules = scenario
    prepared = prepare(candidates, territory, needs, rules, seed=SEED, education_order=EDUCATION)
    expected = reference_prepare(candidates, territory, needs, rules)
    assert prepared.ineligibility.tolist() == expected["reasons"]
    assert prepared.score_parts.tolist() == expected["parts"]
    assert rows_of(prepared.instance.preferences) == expected["rows"]
    listed = prepared.instance.preferences >= 0
    assert [
        row[mask].tolist() for row, mask in zip(prepared.instance.priorities, listed, strict=True)
    ] == expected["priorities"]
    assert prepared.declared_count.tolist() == expected["declared_count"]
    assert prepared.instance.capacities.tolist() == expected["places"]
    width = max([len(row) for row in expected["rows"]] + [1])
    assert prepared.instance.preferences.shape[1] == width


@PROPERTY_SETTINGS
@given(scenarios())
def test_properties_of_a_prepared_run(scenario: tuple) -> None:
    candidates, territory, needs, rules = scenario
    prepared = prepare(candidates, territory, needs, rules, seed=SEED, education_order=EDUCATION)
    instance = prepared.instance
    # The score is the sum of its parts.
    assert prepared.score.tolist() == prepared.score_parts.sum(axis=1).tolist()
    # Exactly the eligible candidates are in the instance, in application id order.
    assert prepared.eligible_rows.tolist() == np.flatnonzero(prepared.ineligibility == 0).tolist()
    assert (
        instance.lottery.tolist()
        == lottery_numbers(SEED, candidates.application_id[prepared.eligible_rows]).tolist()
    )
    province = territory.province_index
    for row, i in enumerate(prepared.eligible_rows.tolist()):
        declared = [int(c) for c in candidates.choices[i] if c >= 0]
        listed = [int(c) for c in instance.preferences[row] if c >= 0]
        count = int(prepared.declared_count[row])
        # The declared choices come first, in her order.
        assert count == len(declared)
        assert listed[:count] == declared
        extra = listed[count:]
        if extra:
            home = int(candidates.residence[i])
            assert (
                candidates.accepts_province_fallback[i]
                and home >= 0
                and rules["province_fallback"]["enabled"]
            )
            # Every fallback commune is in her residence province, not declared, and there are few enough.
            assert all(province[c] == province[home] for c in extra)
            assert not set(extra) & set(declared)
            assert len(extra) <= rules["province_fallback"]["max_communes"]
    # Places are ceil(needs x factor), computed with Fraction.
    factors = rules["over_selection"]["regions"]
    expected = [
        math.ceil(
            Fraction(int(need))
            * Fraction(factors.get(str(territory.region_code[region]), rules["over_selection"]["factor"]))
        )
        for need, region in zip(needs, territory.region_index, strict=True)
    ]
    assert instance.capacities.tolist() == expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_prepare_is_deterministic(scenario: tuple) -> None:
    candidates, territory, needs, rules = scenario
    first = prepare(candidates, territory, needs, rules, seed=SEED, education_order=EDUCATION)
    copied = Candidates(
        **{name: np.array(getattr(candidates, name)) for name in candidates.__dataclass_fields__}
    )
    second = prepare(
        copied, territory, needs.copy(), copy.deepcopy(rules), seed=SEED, education_order=list(EDUCATION)
    )
    assert digest_instance(first.instance) == digest_instance(second.instance)
    for name in ("ineligibility", "score_parts", "score", "eligible_rows", "declared_count"):
        assert np.array_equal(getattr(first, name), getattr(second, name)), name
    if first.instance.n_candidates:
        other = prepare(candidates, territory, needs, rules, seed=SEED + "!", education_order=EDUCATION)
        assert digest_instance(other.instance) != digest_instance(first.instance)


def test_ineligibility_and_score_parts_work_on_their_own() -> None:
    rules = parse_rules(base_rules())
    candidates = make_candidates([{"choices": (0,)}, {"choices": (0,), "category": ""}])
    assert ineligibility(candidates, rules, EDUCATION).tolist() == [0, 2]
    assert score_parts(candidates, rules, EDUCATION).tolist() == [[30, 15, 0, 0, 0], [0, 15, 0, 0, 0]]
