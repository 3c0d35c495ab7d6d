"""From the candidates' declared data and a campaign's rules to the engine's :class:`~.engine.Instance`.

Pure Python + NumPy, no Django. The services read the submitted applications and the territory into
:class:`Candidates` and :class:`Territory` (rows ordered by application id, communes by database id) and call
:func:`prepare`. Everything is vectorised over the candidates: the only Python loops run over rule entries,
choice columns or provinces.

What :func:`prepare` does, in order:

1. **Eligibility** (:func:`ineligibility`): the first failing reason among age, category, education and number
   of declared choices, or ``ELIGIBLE``.
2. **Score** (:func:`score_parts`): five whole-number parts, added up. Computed for every candidate, so that an
   ineligible candidate can still be shown what she would have scored.
3. **Preferences**: the declared choices, then, for an eligible candidate who ticked "any commune of my
   province as a last resort", the other communes of her residence province, nearest first
   (:func:`province_neighbours`).
4. **Priorities**: the score, plus a bonus at her residence commune or, smaller, anywhere in her province.
5. **Capacities** (:func:`capacities`): needs x over-selection factor, rounded up, in exact arithmetic.

The final selection (stage ``"field"``) runs the same steps on the same candidates with two differences: a
candidate not interviewed or absent (her ``stage_score``, see :class:`Candidates`) is not eligible
(:data:`NOT_INTERVIEWED`, :data:`ABSENT_FROM_INTERVIEW`, after the preselection's reasons), and her priority at every
commune of her list is her stage score alone, without the residence bonuses: the interview decides. The needs are
the field needs, and the reserve is the waiting lists.
"""

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

import numpy as np

from bawaba.campaigns.rules.eligibility import Ineligibility
from bawaba.campaigns.rules.parser import (
    SCORE_PARTS,
    RuleProblem,
    Rules,
    RulesError,
    check_education_codes,
    parse_rules,
)
from bawaba.selection.engine import Instance, lottery_numbers
from bawaba.selection.scoring_inputs import (
    ABSENT,
    NOT_ASSESSED,
    Candidates,
    Territory,
    as_integers,
    check_index,
    check_length,
)

__all__ = [
    "ABSENT_FROM_INTERVIEW",
    "NOT_INTERVIEWED",
    "SCORE_PARTS",
    "STAGES",
    "Candidates",
    "Ineligibility",
    "Prepared",
    "Rules",
    "RulesError",
    "Territory",
    "capacities",
    "completed_years",
    "ineligibility",
    "parse_rules",
    "prepare",
    "priorities_at",
    "province_fallback",
    "province_neighbours",
    "score_parts",
]

_INT64_MAX = int(np.iinfo(np.int64).max)

# The stages a run may be of (SelectionRun.Stage's values), and the reasons only the final selection gives, after
# Ineligibility's: SelectionDecision.Ineligibility stores them with the same codes.
STAGES = ("preselection", "field")
NOT_INTERVIEWED = len(Ineligibility)
ABSENT_FROM_INTERVIEW = NOT_INTERVIEWED + 1


def stage_reasons(stage: str) -> tuple[tuple[int, str], ...]:
    """The ineligibility codes a run of `stage` can give, with their names, in order (the report's summary)."""
    reasons = tuple((int(reason), reason.name.lower()) for reason in Ineligibility if reason)
    if stage == "field":
        reasons += ((NOT_INTERVIEWED, "not_interviewed"), (ABSENT_FROM_INTERVIEW, "absent"))
    return reasons


# ------------------------------------------------------------------------------------------------ places


def capacities(needs: np.ndarray, territory: Territory, rules: Rules) -> np.ndarray:
    """Places per commune, (m,) int64: ``ceil(needs x factor)``, with the region's factor where one is set.

    Exact: a factor p/q gives ``(needs * p + q - 1) // q`` in integers, so ``"1.10"`` x 10 is 11, not 12. A
    region override for a code the territory does not have raises :class:`RulesError`: it is a typo.
    """
    m = territory.n_communes
    needs = as_integers("needs", needs, ndim=1, dtype=np.int64)
    check_length("needs", needs, m)
    if needs.size and int(needs.min()) < 0:
        raise ValueError(
            f"needs must be >= 0; commune {int(np.flatnonzero(needs < 0)[0])} has a negative need."
        )
    codes = territory.region_code.tolist()
    unknown = [code for code, _ in rules.region_factors if code not in codes]
    if unknown:
        raise RulesError(
            [RuleProblem("unknown_region", {"path": f"over_selection.regions.{code}"}) for code in unknown]
        )
    factors = [rules.factor] * len(codes)
    for code, factor in rules.region_factors:
        factors[codes.index(code)] = factor
    numerator = np.array([factor.numerator for factor in factors], dtype=object)
    denominator = np.array([factor.denominator for factor in factors], dtype=object)
    p = numerator[territory.region_index]
    q = denominator[territory.region_index]
    if not m:
        return np.zeros(0, dtype=np.int64)
    if int(needs.max()) * max(p.tolist()) + max(q.tolist()) <= _INT64_MAX:
        p64, q64 = p.astype(np.int64), q.astype(np.int64)
        return (needs * p64 + q64 - 1) // q64
    # A factor with many decimals: Python integers (one per commune, a few thousand at most) stay exact.
    places = [
        (need * pp + qq - 1) // qq
        for need, pp, qq in zip(needs.tolist(), p.tolist(), q.tolist(), strict=True)
    ]
    if max(places) > _INT64_MAX:
        raise ValueError("capacities do not fit in int64.")
    return np.array(places, dtype=np.int64)


# ------------------------------------------------------------------------------------------- eligibility


def completed_years(birth_date: np.ndarray, on: datetime.date) -> np.ndarray:
    """Age in completed years on ``on``, (n,) int64; 0 where ``birth_date`` is NaT (check ``np.isnat``).

    One less while the birthday has not been reached that year. Someone born on 29 February has her birthday
    on 1 March in a common year: on 28 February she is still one year younger.
    """
    birth = np.asarray(birth_date, dtype="datetime64[D]")
    missing = np.isnat(birth)
    birth = np.where(missing, np.datetime64(on, "D"), birth)
    year_start = birth.astype("datetime64[Y]")
    month_start = birth.astype("datetime64[M]")
    year = year_start.astype(np.int64) + 1970
    month = (month_start - year_start.astype("datetime64[M]")).astype(np.int64)  # 0..11
    day = (birth - month_start.astype("datetime64[D]")).astype(np.int64)  # 0..30
    before_birthday = (on.month - 1) * 32 + (on.day - 1) < month * 32 + day
    return np.where(missing, 0, on.year - year - before_birthday)


def _declared_counts(choices: np.ndarray) -> np.ndarray:
    count = np.zeros(choices.shape[0], dtype=np.int16)
    for column in choices.T:  # k is small; column sums beat a reduction along axis 1
        count += column >= 0
    return count


def _code_index(values: np.ndarray, codes: Sequence[str]) -> np.ndarray:
    """Position of each value in ``codes``, -1 for a value that is not there (such as "" for missing).

    One string comparison per code: with a handful of codes this is much faster than sorting the strings.
    """
    index = np.full(values.shape[0], -1, dtype=np.int16)
    for position, code in enumerate(codes):
        index[values == code] = position
    return index


def _points_table(points: Sequence[tuple[str, int]], codes: Sequence[str]) -> np.ndarray:
    """Points per code in ``codes`` order, then 0 in the last place, where the index -1 of an unknown code reads."""
    table = dict(points)
    return np.array([table.get(code, 0) for code in codes] + [0], dtype=np.int64)


def ineligibility(candidates: Candidates, rules: Rules, education_order: Sequence[str]) -> np.ndarray:
    """(n,) int8 :class:`Ineligibility`: the first of age, category, education, choices that fails.

    ``education_order`` lists the level codes, lowest first; a missing or unknown level fails.
    """
    check_education_codes(rules, education_order)
    category = _code_index(candidates.category, rules.categories)
    education = _code_index(candidates.education_level, education_order)
    return _ineligibility(candidates, rules, category, education, list(education_order))


def _ineligibility(
    candidates: Candidates,
    rules: Rules,
    category: np.ndarray,
    education: np.ndarray,
    education_order: list[str],
) -> np.ndarray:
    reason = np.zeros(candidates.n_candidates, dtype=np.int8)
    age = completed_years(candidates.birth_date, rules.age_on)
    age_ok = ~np.isnat(candidates.birth_date) & (age >= rules.min_age) & (age <= rules.max_age)
    category_ok = category >= 0  # the index into rules.categories, the eligible ones
    # The minimum level of each candidate's category (the general one for a category not admitted, which fails
    # on its category first anyway), read from a small table indexed like `category` (-1 reads the last entry).
    minimum = [education_order.index(rules.min_education_for(code)) for code in rules.categories]
    minimum.append(education_order.index(rules.min_education))
    education_ok = education >= np.array(minimum, dtype=np.int16)[category]
    choices_ok = _declared_counts(candidates.choices) >= rules.min_choices
    # Assign the reasons last to first, so that the first failing one is what remains.
    reason[~choices_ok] = Ineligibility.NO_CHOICE
    reason[~education_ok] = Ineligibility.EDUCATION
    reason[~category_ok] = Ineligibility.CATEGORY
    reason[~age_ok] = Ineligibility.AGE
    return reason


# ------------------------------------------------------------------------------------------------- score


def score_parts(candidates: Candidates, rules: Rules, education_order: Sequence[str]) -> np.ndarray:
    """(n, 5) int64 points, columns in :data:`SCORE_PARTS` order. A code the rules do not list earns 0."""
    check_education_codes(rules, education_order)
    category = _code_index(candidates.category, rules.categories)
    education = _code_index(candidates.education_level, education_order)
    return _score_parts(candidates, rules, category, education, list(education_order))


def _score_parts(
    candidates: Candidates,
    rules: Rules,
    category: np.ndarray,
    education: np.ndarray,
    education_order: list[str],
) -> np.ndarray:
    # Every points key is a known code (parse_rules and _check_education_codes see to it), so indexing by
    # position in rules.categories and education_order covers them all.
    parts = np.empty((candidates.n_candidates, len(SCORE_PARTS)), dtype=np.int64)
    parts[:, 0] = _points_table(rules.category_points, rules.categories)[category]
    parts[:, 1] = _points_table(rules.education_points, education_order)[education]
    surveys = np.minimum(candidates.survey_count.astype(np.int64), rules.max_surveys)
    parts[:, 2] = rules.per_survey * surveys
    parts[:, 3] = np.array(rules.ict_points, dtype=np.int64)[candidates.ict_skill]
    languages = np.minimum(candidates.language_count.astype(np.int64), rules.max_languages)
    parts[:, 4] = rules.per_language * languages
    return parts


def priorities_at(
    preferences: np.ndarray, score: np.ndarray, residence: np.ndarray, territory: Territory, rules: Rules
) -> np.ndarray:
    """(n, k) int64 priority of each candidate at each listed commune; 0 at padded ranks.

    The score, plus ``residence_commune_bonus`` at her residence commune, or ``residence_province_bonus`` at
    another commune of her residence province. No bonus when the residence is unknown (-1).
    """
    # Province of each listed commune; padding (-1) reads an extra entry that matches no residence.
    province = np.append(territory.province_index, np.int32(-2))
    home_province = np.where(residence >= 0, province[residence], -3).astype(np.int32)
    # 0 elsewhere, 1 in her province, 2 in her commune (which is in her province), as one small array.
    where = (province[preferences] == home_province[:, None]).view(np.uint8)
    where += preferences == residence[:, None]
    bonus = np.array([0, rules.residence_province_bonus, rules.residence_commune_bonus], dtype=np.int64)
    priority = bonus[where]
    priority += score.astype(np.int64)[:, None]
    priority[preferences < 0] = 0
    return priority


# --------------------------------------------------------------------------------------- province fallback


def province_neighbours(territory: Territory, width: int) -> np.ndarray:
    """(m, width) int32: for each commune, the communes of its province nearest first, -1 padded.

    The commune itself comes first, then the others by distance between centroids, then those whose
    centroid (or the commune's own) is unknown; equal distances go to the lower commune index. Distance is
    the equirectangular approximation centred on the commune: at province scale it is within a fraction of a
    percent of the great-circle distance, and it needs only one ``math.cos`` per commune plus IEEE + - x, so
    the order is the same on every machine (NumPy's vectorised trigonometry may differ in the last bit
    between CPUs, which could flip a near-tie and change the instance digest).
    """
    m = territory.n_communes
    table = np.full((m, width), -1, dtype=np.int32)
    if not m or width <= 0:
        return table
    latitude, longitude = territory.latitude, territory.longitude
    scale = np.array(
        [math.cos(math.radians(value)) if not math.isnan(value) else math.nan for value in latitude.tolist()]
    )
    order = np.argsort(territory.province_index, kind="stable")
    bounds = np.flatnonzero(np.diff(territory.province_index[order])) + 1
    for members in np.split(order, bounds):  # one province at a time, members by ascending index
        dx = (longitude[members][None, :] - longitude[members][:, None]) * scale[members][:, None]
        dy = latitude[members][None, :] - latitude[members][:, None]
        distance = dx * dx + dy * dy
        distance[np.isnan(distance)] = np.inf  # unknown after every known distance
        np.fill_diagonal(distance, -1.0)  # the commune itself first, even without coordinates
        nearest = np.argsort(distance, axis=1, kind="stable")[:, :width]  # stable: ties by index
        table[members, : nearest.shape[1]] = members[nearest]
    return table


def province_fallback(
    choices: np.ndarray, residence: np.ndarray, neighbours: np.ndarray, max_communes: int
) -> np.ndarray:
    """(f, max_communes) int32: the communes of each row's residence province that it did not declare.

    ``choices`` (f, k) and ``residence`` (f,) (every entry >= 0) describe the candidates who take the
    fallback; ``neighbours`` is :func:`province_neighbours`. Nearest first, at most ``max_communes``, -1
    padded at the end.
    """
    f = residence.shape[0]
    candidates = neighbours[residence]
    keep = candidates >= 0
    for column in choices.T:
        keep &= candidates != column[:, None]
    position = np.cumsum(keep, axis=1, dtype=np.int32) - 1
    keep &= position < max_communes
    out = np.full((f, max_communes), -1, dtype=np.int32)
    rows, columns = np.nonzero(keep)
    out[rows, position[rows, columns]] = candidates[rows, columns]
    return out


# ---------------------------------------------------------------------------------------------- prepare


@dataclass(frozen=True, eq=False)
class Prepared:
    """Everything :func:`prepare` decided, for the run's audit trail, and the engine's input.

    * ``ineligibility`` (n,) int8 :class:`Ineligibility` per candidate;
    * ``score_parts`` (n, 5) int64 in :data:`SCORE_PARTS` order and ``score`` (n,) int64, for everyone (their sum;
      for the final selection, her stage score, 0 where she has none, the parts kept for her record);
    * ``eligible_rows`` (n_e,) int64: the candidates in the instance, ascending (instance row i is
      candidate ``eligible_rows[i]``);
    * ``declared_count`` (n_e,) int16: how many leading choices of each instance row she declared; the
      rest of the row comes from the province fallback;
    * ``instance``: the engine input.
    """

    rules: Rules
    ineligibility: np.ndarray
    score_parts: np.ndarray
    score: np.ndarray
    eligible_rows: np.ndarray
    declared_count: np.ndarray
    instance: Instance

    def __post_init__(self) -> None:
        for name in ("ineligibility", "score_parts", "score", "eligible_rows", "declared_count"):
            value = getattr(self, name)
            value.setflags(write=False)


def prepare(
    candidates: Candidates,
    territory: Territory,
    needs: np.ndarray,
    rules: Mapping,
    *,
    seed: str,
    education_order: Sequence[str],
    stage: str = "preselection",
) -> Prepared:
    """Eligibility, scores, preferences, priorities and places: the engine input of one run.

    ``education_order`` lists the education level codes, lowest first. The instance's rows are the eligible
    candidates in application id order, so the same inputs always give the same ``digest_instance``.
    """
    parsed = parse_rules(rules)
    education_order = tuple(education_order)
    if len(set(education_order)) != len(education_order) or not all(
        isinstance(level, str) and level for level in education_order
    ):
        raise ValueError("education_order must list distinct, non-empty level codes.")
    m = territory.n_communes
    check_index("residence", candidates.residence, m, allow_missing=True)
    check_index("choices", candidates.choices, m, allow_missing=True)
    places = capacities(needs, territory, parsed)

    check_education_codes(parsed, education_order)
    # Each code column is compared with each code once, and the positions serve eligibility and points.
    category = _code_index(candidates.category, parsed.categories)
    education = _code_index(candidates.education_level, education_order)
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)}, got {stage!r}.")
    final = stage == "field"
    reason = _ineligibility(candidates, parsed, category, education, list(education_order))
    parts = _score_parts(candidates, parsed, category, education, list(education_order))
    score = parts.sum(axis=1)
    if final:
        # The interview's reasons come after the declared data's: the first failing reason is what she is told.
        # Candidates fills it in (zeros when not given): never None here.
        stage_score = cast(np.ndarray, candidates.stage_score)
        reason[(reason == Ineligibility.ELIGIBLE) & (stage_score == NOT_ASSESSED)] = NOT_INTERVIEWED
        reason[(reason == Ineligibility.ELIGIBLE) & (stage_score == ABSENT)] = ABSENT_FROM_INTERVIEW
        score = np.maximum(stage_score, 0).astype(np.int64)
    eligible_rows = np.flatnonzero(reason == Ineligibility.ELIGIBLE).astype(np.int64)

    declared = candidates.choices[eligible_rows]
    declared_count = _declared_counts(declared)
    residence = candidates.residence[eligible_rows]
    total = declared_count.astype(np.int64)
    fallback_rows = np.zeros(0, dtype=np.int64)
    fallback = np.zeros((0, 0), dtype=np.int32)
    if parsed.fallback_enabled:
        fallback_rows = np.flatnonzero(candidates.accepts_province_fallback[eligible_rows] & (residence >= 0))
    if fallback_rows.size:
        k = declared.shape[1]
        largest_province = int(np.bincount(territory.province_index).max())
        # Enough neighbours that max_communes remain after removing the (at most k) declared ones.
        neighbours = province_neighbours(territory, min(largest_province, parsed.fallback_max_communes + k))
        fallback = province_fallback(
            declared[fallback_rows], residence[fallback_rows], neighbours, parsed.fallback_max_communes
        )
        total[fallback_rows] += _declared_counts(fallback)

    width = max(int(total.max()) if total.size else 0, 1)
    preferences = np.full((eligible_rows.shape[0], width), -1, dtype=np.int32)
    shown = min(width, declared.shape[1])
    preferences[:, :shown] = declared[:, :shown]  # columns beyond the widest row are all -1
    if fallback.size:
        rows, columns = np.nonzero(fallback >= 0)
        target = fallback_rows[rows]
        preferences[target, declared_count[target] + columns] = fallback[rows, columns]

    if final:
        priorities = np.where(preferences >= 0, score[eligible_rows][:, None], 0).astype(np.int64)
    else:
        priorities = priorities_at(preferences, score[eligible_rows], residence, territory, parsed)
    instance = Instance(
        preferences,
        priorities,
        lottery_numbers(seed, candidates.application_id[eligible_rows]),
        places,
    )
    return Prepared(
        rules=parsed,
        ineligibility=reason,
        score_parts=parts,
        score=score,
        eligible_rows=eligible_rows,
        declared_count=declared_count,
        instance=instance,
    )
