"""National synthetic census candidates and commune needs, calibrated to MISSION.md. Pure NumPy, no Django.

Every random draw comes from one `np.random.default_rng(seed)`, in a fixed order and vectorised over all
candidates, so one seed gives byte-identical arrays on every run (with the same NumPy) and the national scale
takes seconds. Counts are not drawn but apportioned (largest remainders), so the marginals MISSION.md prints
come out exact at scale 1 and exact-after-rounding at any other scale.

The arrays hold indices into the territory (communes sorted by HCP code) and into this module's code tuples and
`vocabulary`'s lists; turning them into rows is the writer's business.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from bawaba.demo import calibration, vocabulary

# Code tuples mirror the Application model's choices (a test checks they agree); the arrays index into them.
CATEGORIES: tuple[str, ...] = calibration.CATEGORY_CODES
EDUCATION_LEVELS: tuple[str, ...] = ("secondary", "baccalaureate", "bac_2", "bac_3", "bac_5", "doctorate")
LANGUAGES: tuple[str, ...] = ("ar", "shi", "tzm", "rif", "mey", "fr", "en", "es")
SITE_LANGUAGES: tuple[str, ...] = ("ar", "fr", "en")  # the interface languages a candidate can prefer
EDUCATION_FIELDS: tuple[str, ...] = vocabulary.SCHOOL_FIELDS + vocabulary.HIGHER_FIELDS
FIRST_NAMES: tuple[tuple[str, str], ...] = vocabulary.FEMALE_FIRST_NAMES + vocabulary.MALE_FIRST_NAMES
CIN_PREFIXES: tuple[str, ...] = tuple(p for prefixes in vocabulary.CIN_PREFIXES_BY_REGION for p in prefixes)

MAX_CHOICES = 5
REGISTRATION_OPENS_ON = date(2024, 2, 7)  # local date; the window runs 21 whole days, to 27 Feb 23:59:59
REGISTRATION_DAYS = 21
REGISTRATION_SECONDS = REGISTRATION_DAYS * 86_400

# --- Shape of the population (guesses where MISSION.md is silent; one row per category, CATEGORIES order) ---
SEX_FEMALE_SHARE = (0.50, 0.56, 0.38, 0.36, 0.22)
# P(level) over EDUCATION_LEVELS: graduates hold at least bac+2; students at least the baccalaureate; a few
# employees and retirees only secondary school, which the default rules make ineligible.
EDUCATION_P = (
    (0.00, 0.00, 0.22, 0.46, 0.27, 0.05),
    (0.00, 0.42, 0.22, 0.26, 0.10, 0.00),
    (0.03, 0.24, 0.20, 0.33, 0.17, 0.03),
    (0.06, 0.30, 0.30, 0.24, 0.10, 0.00),
    (0.10, 0.30, 0.20, 0.25, 0.12, 0.03),
)
# Youngest plausible age for a level (a master's at 23, a doctorate at 27).
MIN_AGE_FOR_LEVEL = (18.0, 18.0, 20.0, 21.0, 23.0, 27.0)
SURVEY_COUNT_P = (
    (0.80, 0.13, 0.05, 0.02),
    (0.92, 0.06, 0.02, 0.00),
    (0.65, 0.20, 0.10, 0.05),
    (0.82, 0.12, 0.04, 0.02),
    (0.45, 0.30, 0.15, 0.10),
)
ICT_P = (
    (0.02, 0.18, 0.50, 0.30),
    (0.01, 0.17, 0.47, 0.35),
    (0.03, 0.25, 0.50, 0.22),
    (0.05, 0.30, 0.45, 0.20),
    (0.15, 0.45, 0.32, 0.08),
)
FRENCH_SHARE = (0.88, 0.82, 0.78, 0.55, 0.62)
ENGLISH_SHARE = (0.35, 0.48, 0.15, 0.15, 0.05)
# Share speaking a regional language, by region code: Tachelhit in the Souss and around Marrakech, Tarifit in
# the Rif and the Oriental, Tamazight in the Middle and High Atlas, Hassaniya in the three southern regions.
REGIONAL_LANGUAGE_SHARE = {
    "shi": {"07": 0.30, "08": 0.10, "09": 0.60, "10": 0.35},
    "tzm": {"02": 0.05, "03": 0.22, "04": 0.08, "05": 0.35, "08": 0.45},
    "rif": {"01": 0.18, "02": 0.30},
    "mey": {"10": 0.35, "11": 0.70, "12": 0.65},
    "es": {"01": 0.22, "02": 0.08, "11": 0.10, "12": 0.12},
}
SPANISH_ELSEWHERE = 0.02
ARABIC_SHARE = 0.97
SITE_LANGUAGE_P = (0.75, 0.22, 0.03)

SCHOOL_FIELD_WEIGHTS = (35, 15, 30, 12, 4, 4)
HIGHER_FIELD_WEIGHTS = (14, 12, 8, 9, 9, 5, 5, 4, 4, 3, 5, 3, 3, 3, 5, 2, 2, 2)

# Choices: how many communes (1..5, mostly all five); the first is usually home; for the others, where to look.
CHOICE_COUNT_P = (0.05, 0.04, 0.06, 0.08, 0.77)
FIRST_CHOICE_AT_HOME = 0.85
SCOPE_P = (0.62, 0.28, 0.10)  # same province, same region, anywhere
SCOPE_PROVINCE, SCOPE_REGION, SCOPE_NATION = 0, 1, 2
# A province may have fewer communes than a candidate wants (Rabat has two, one of them tiny): after this many
# draws that only hit communes already chosen, look one scope wider.
DRAWS_BEFORE_WIDENING = 12

# Share of candidates who tick "any other commune of my province, nearest first, as a last resort" (a guess:
# MISSION.md is silent). Exact after rounding, like the other counts.
PROVINCE_FALLBACK_SHARE = 0.30
# The fallback is drawn from a stream of its own (this child of the seed), after everything else, so that
# adding it left every other column exactly as it was for a given seed.
PROVINCE_FALLBACK_STREAM = 1

# Registrations pile up in the first days and before the deadline; within a day they follow waking hours
# (weights by local hour, 0 to 23).
HOUR_WEIGHTS = (1, 0.6, 0.4, 0.3, 0.3, 0.4, 0.8, 1.5, 2.5, 3.5, 4, 4, 3.8, 3.5, 3.8, 4, 4, 4, 4.2, 4.5, 5, 5, 4, 2.5)  # fmt: skip


def scaled_total(total: int, scale: float) -> int:
    """round(total × scale) with halves going up (Python's round() sends them to the even neighbour)."""
    return math.floor(total * scale + 0.5)


def apportion(total: int, weights: Sequence[int] | np.ndarray) -> np.ndarray:
    """Split `total` into whole parts proportional to integer `weights` (largest remainders, Hamilton's method).

    The parts sum exactly to `total`, each is its quota rounded down or up, and ties among equal remainders go to
    the lower index, so the result depends on nothing but the input. Exact integer arithmetic: no float drift.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    values = [int(w) for w in np.asarray(weights).tolist()]
    if any(w < 0 for w in values):
        raise ValueError("weights must not be negative")
    weight_sum = sum(values)
    if weight_sum == 0:
        if total:
            raise ValueError("cannot apportion a positive total over zero weights")
        return np.zeros(len(values), dtype=np.int64)
    parts, remainders = zip(*(divmod(total * w, weight_sum) for w in values), strict=True)
    result = np.array(parts, dtype=np.int64)
    left = total - int(result.sum())
    # Largest remainder first; among equal remainders the lower index (a stable sort on the negated remainder).
    order = sorted(range(len(values)), key=lambda i: -remainders[i])
    result[order[:left]] += 1
    return result


@dataclass(frozen=True, eq=False)
class Territory:
    """The communes as arrays, sorted by HCP code, so that every province and every region is one slice.

    `region` indexes calibration.REGION_CODES; `province` counts provinces in code order.
    """

    codes: np.ndarray  # str, sorted
    province: np.ndarray  # int32, non-decreasing
    region: np.ndarray  # int32, non-decreasing, 0..11
    population: np.ndarray  # int64
    households: np.ndarray  # int64

    @classmethod
    def from_communes(
        cls,
        *,
        codes: Sequence[str],
        province_codes: Sequence[str],
        region_codes: Sequence[str],
        population: Sequence[int],
        households: Sequence[int],
    ) -> "Territory":
        """Build from parallel sequences already sorted by commune code (the HCP code nests region and province)."""
        if list(codes) != sorted(codes):
            raise ValueError("communes must be sorted by code")
        unknown = set(region_codes) - set(calibration.REGION_CODES)
        if unknown:
            raise ValueError(f"unknown region codes: {sorted(unknown)}")
        region_index = {code: i for i, code in enumerate(calibration.REGION_CODES)}
        province_index = {code: i for i, code in enumerate(sorted(set(province_codes)))}
        territory = cls(
            codes=np.array(codes),
            province=np.array([province_index[p] for p in province_codes], dtype=np.int32),
            region=np.array([region_index[r] for r in region_codes], dtype=np.int32),
            population=np.array(population, dtype=np.int64),
            households=np.array(households, dtype=np.int64),
        )
        if np.any(np.diff(territory.province) < 0) or np.any(np.diff(territory.region) < 0):
            raise ValueError("each province and region must be one run of communes in code order")
        return territory

    def __len__(self) -> int:
        return len(self.codes)

    def slices(self, groups: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
        """Start and end commune index of each group 0..count-1 (`groups` is `province` or `region`)."""
        wanted = np.arange(count)
        return np.searchsorted(groups, wanted, side="left"), np.searchsorted(groups, wanted, side="right")


@dataclass(frozen=True, eq=False)
class Needs:
    """Commune needs of one stage: commune indices (only those needing someone) and quantities (all > 0)."""

    commune: np.ndarray
    quantity: np.ndarray


def generate_needs(*, territory: Territory, by_region: Sequence[int], scale: float) -> Needs:
    """A region's need (the table × scale, apportioned) split over its communes in proportion to households."""
    region_totals = apportion(scaled_total(sum(by_region), scale), by_region)
    starts, ends = territory.slices(territory.region, len(calibration.REGION_CODES))
    quantity = np.zeros(len(territory), dtype=np.int64)
    for r, total in enumerate(region_totals.tolist()):
        quantity[starts[r] : ends[r]] = apportion(total, territory.households[starts[r] : ends[r]])
    communes = np.flatnonzero(quantity)
    return Needs(commune=communes.astype(np.int32), quantity=quantity[communes])


@dataclass(frozen=True, eq=False)
class Candidates:
    """One row per candidate, in order of submission. Times are seconds after registration opened."""

    region: np.ndarray  # int8 index into REGION_CODES
    residence: np.ndarray  # int32 commune index
    category: np.ndarray  # int8 index into CATEGORIES
    female: np.ndarray  # bool
    birth_date: np.ndarray  # datetime64[D]
    education_level: np.ndarray  # int8 index into EDUCATION_LEVELS
    education_field: np.ndarray  # int16 index into EDUCATION_FIELDS
    survey_count: np.ndarray  # int8, 0..3
    survey_mask: np.ndarray  # int16, bit i = vocabulary.SURVEYS[i]
    ict_skill: np.ndarray  # int8, 0..3
    language_mask: np.ndarray  # int16, bit i = LANGUAGES[i]
    site_language: np.ndarray  # int8 index into SITE_LANGUAGES
    first_name: np.ndarray  # int16 index into FIRST_NAMES
    last_name: np.ndarray  # int16 index into vocabulary.LAST_NAMES
    cin_prefix: np.ndarray  # int16 index into CIN_PREFIXES
    cin_number: np.ndarray  # int32
    phone: np.ndarray  # int64, the nine digits after +212
    registered_after: np.ndarray  # int32 seconds: account created
    submitted_after: np.ndarray  # int32 seconds: application submitted
    choice_count: np.ndarray  # int8, 1..MAX_CHOICES
    choices: np.ndarray  # int32 (n, MAX_CHOICES) commune indices by rank, -1 after choice_count
    accepts_province_fallback: np.ndarray  # bool: any other commune of her province as a last resort

    def __len__(self) -> int:
        return len(self.region)

    def arrays(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    def cin_strings(self) -> list[str]:
        prefixes = CIN_PREFIXES
        return [
            f"{prefixes[p]}{n}"
            for p, n in zip(self.cin_prefix.tolist(), self.cin_number.tolist(), strict=True)
        ]

    def phone_strings(self) -> list[str]:
        return [f"+212{number}" for number in self.phone.tolist()]


def _draw_weighted_in_slices(
    cumulative: np.ndarray, starts: np.ndarray, ends: np.ndarray, uniforms: np.ndarray
) -> np.ndarray:
    """For each row, a commune in [start, end) drawn in proportion to population, all rows at once.

    `cumulative` is [0, p0, p0+p1, ...]; a uniform point in the slice's share of it falls on one commune.
    Communes of zero population own an empty interval and are never drawn.
    """
    low, high = cumulative[starts], cumulative[ends]
    points = np.minimum(low + np.floor(uniforms * (high - low)).astype(np.int64), high - 1)
    return (np.searchsorted(cumulative, points, side="right") - 1).astype(np.int32)


def _pick_by_category(
    rng: np.random.Generator, category: np.ndarray, table: Sequence[Sequence[float]]
) -> np.ndarray:
    """One draw per candidate from its category's row of `table` (probabilities over 0..len(row)-1)."""
    cumulative = np.cumsum(np.asarray(table, dtype=np.float64), axis=1)
    cumulative /= cumulative[:, -1:]
    u = rng.random(len(category))
    rows = cumulative[category]
    return np.minimum((u[:, None] >= rows).sum(axis=1), len(table[0]) - 1).astype(np.int8)


def _zipf_choice(rng: np.random.Generator, size: int, length: int, offset: float) -> np.ndarray:
    """Indices 0..length-1, the first ones the most common (weights 1/(i + offset))."""
    weights = 1.0 / (np.arange(length) + offset)
    return rng.choice(length, size=size, p=weights / weights.sum()).astype(np.int16)


def generate_candidates(*, territory: Territory, scale: float, seed: int) -> Candidates:
    """The candidates of MISSION.md's census registration at `scale`, with their ranked commune choices."""
    rng = np.random.default_rng(seed)
    region_table = calibration.in_region_order(calibration.CANDIDACIES_BY_REGION)
    n = scaled_total(calibration.TOTAL_CANDIDATES, scale)
    region_counts = apportion(n, region_table)
    category_counts = apportion(n, list(calibration.CANDIDATES_BY_CATEGORY.values()))
    region = np.repeat(np.arange(len(region_table), dtype=np.int8), region_counts)
    category = rng.permutation(np.repeat(np.arange(len(CATEGORIES), dtype=np.int8), category_counts))

    population_cum = np.concatenate([[0], np.cumsum(territory.population)]).astype(np.int64)
    region_starts, region_ends = territory.slices(territory.region, len(region_table))
    province_count = int(territory.province.max()) + 1
    province_starts, province_ends = territory.slices(territory.province, province_count)
    residence = _draw_weighted_in_slices(
        population_cum, region_starts[region], region_ends[region], rng.random(n)
    )

    female = rng.random(n) < np.asarray(SEX_FEMALE_SHARE)[category]
    education_level = _pick_by_category(rng, category, EDUCATION_P)
    age = _ages(rng, category, education_level)
    birth_date = np.datetime64(REGISTRATION_OPENS_ON, "D") - (np.floor(age * 365.2425).astype(np.int64) + 1)
    education_field = _education_fields(rng, education_level)
    survey_count, survey_mask = _surveys(rng, category, age)
    ict_skill = _pick_by_category(rng, category, ICT_P)
    language_mask = _languages(rng, category, region)
    site_language = rng.choice(len(SITE_LANGUAGES), size=n, p=SITE_LANGUAGE_P).astype(np.int8)
    first_name, last_name = _names(rng, female)
    cin_prefix, cin_number = _cins(rng, region)
    phone = np.where(rng.random(n) < 0.75, 600_000_000, 700_000_000) + rng.integers(0, 100_000_000, n)
    registered_after, submitted_after = _timestamps(rng, n)
    choice_count, choices = _choices(
        rng,
        territory=territory,
        residence=residence,
        population_cum=population_cum,
        province_slices=(province_starts, province_ends),
        region_slices=(region_starts, region_ends),
    )
    accepts_province_fallback = _province_fallback(seed, n)

    # Ids follow submission order, as they would on the live platform.
    order = np.argsort(submitted_after, kind="stable")
    columns = {
        "region": region,
        "residence": residence,
        "category": category,
        "female": female,
        "birth_date": birth_date,
        "education_level": education_level,
        "education_field": education_field,
        "survey_count": survey_count,
        "survey_mask": survey_mask,
        "ict_skill": ict_skill,
        "language_mask": language_mask,
        "site_language": site_language,
        "first_name": first_name,
        "last_name": last_name,
        "cin_prefix": cin_prefix,
        "cin_number": cin_number,
        "phone": phone.astype(np.int64),
        "registered_after": registered_after,
        "submitted_after": submitted_after,
        "choice_count": choice_count,
        "choices": choices,
        "accepts_province_fallback": accepts_province_fallback,
    }
    return Candidates(**{name: np.ascontiguousarray(values[order]) for name, values in columns.items()})


def _province_fallback(seed: int, n: int) -> np.ndarray:
    """Exactly PROVINCE_FALLBACK_SHARE of the candidates (rounded), chosen at random from a stream of their own."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(PROVINCE_FALLBACK_STREAM,)))
    ticked = np.zeros(n, dtype=bool)
    ticked[rng.permutation(n)[: scaled_total(n, PROVINCE_FALLBACK_SHARE)]] = True
    return ticked


def _ages(rng: np.random.Generator, category: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Age in years at the opening of registration: students young, retirees past 60, the others in between."""
    n = len(category)
    age = np.empty(n)
    index = {code: i for i, code in enumerate(CATEGORIES)}
    shapes = {
        "graduate": lambda k: np.minimum(22 + rng.gamma(2.0, 3.5, k), 50),
        "student": lambda k: np.minimum(18 + rng.gamma(2.0, 1.8, k), 30),
        "civil_servant": lambda k: 24 + 35 * rng.beta(2.0, 2.2, k),
        "private_employee": lambda k: 21 + 38 * rng.beta(1.6, 3.0, k),
        "public_retiree": lambda k: 60 + 5.99 * rng.beta(1.2, 2.0, k),
    }
    for code, shape in shapes.items():
        members = category == index[code]
        age[members] = shape(int(members.sum()))
    # Nobody holds a master's at 19: lift the age to the level's youngest plausible, spread over two years.
    age = np.maximum(age, np.asarray(MIN_AGE_FOR_LEVEL)[level] + 2 * rng.random(n))
    student = category == index["student"]
    age[student] = np.minimum(age[student], 30.5)
    return age


def _education_fields(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    """The baccalaureate stream up to the baccalaureate, a university field after it."""
    school = np.asarray(SCHOOL_FIELD_WEIGHTS, dtype=np.float64)
    higher = np.asarray(HIGHER_FIELD_WEIGHTS, dtype=np.float64)
    school_draw = rng.choice(len(school), size=len(level), p=school / school.sum())
    higher_draw = rng.choice(len(higher), size=len(level), p=higher / higher.sum()) + len(school)
    return np.where(level <= 1, school_draw, higher_draw).astype(np.int16)


def _surveys(
    rng: np.random.Generator, category: np.ndarray, age: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """How many field surveys, and which: only surveys held when the candidate was already an adult."""
    n = len(category)
    wanted = _pick_by_category(rng, category, SURVEY_COUNT_P)
    years = np.array([year for _, year in vocabulary.SURVEYS])
    birth_year = REGISTRATION_OPENS_ON.year - age
    eligible = (years[None, :] - birth_year[:, None]) >= 18
    count = np.minimum(wanted, eligible.sum(axis=1)).astype(np.int8)
    # Pick `count` eligible surveys at random: the smallest random keys, ineligible ones keyed to infinity.
    keys = np.where(eligible, rng.random((n, len(years))), np.inf)
    ranks = np.argsort(np.argsort(keys, axis=1, kind="stable"), axis=1, kind="stable")
    chosen = ranks < count[:, None]
    mask = (chosen * (1 << np.arange(len(years)))).sum(axis=1).astype(np.int16)
    return count, mask


def _languages(rng: np.random.Generator, category: np.ndarray, region: np.ndarray) -> np.ndarray:
    n = len(category)
    bit = {code: 1 << i for i, code in enumerate(LANGUAGES)}
    mask = np.where(rng.random(n) < ARABIC_SHARE, bit["ar"], 0)
    for code, shares in REGIONAL_LANGUAGE_SHARE.items():
        default = SPANISH_ELSEWHERE if code == "es" else 0.0
        share = np.array([shares.get(r, default) for r in calibration.REGION_CODES])[region]
        mask |= np.where(rng.random(n) < share, bit[code], 0)
    mask |= np.where(rng.random(n) < np.asarray(FRENCH_SHARE)[category], bit["fr"], 0)
    mask |= np.where(rng.random(n) < np.asarray(ENGLISH_SHARE)[category], bit["en"], 0)
    # Everyone declares at least one language; a candidate who drew none speaks Arabic.
    mask = np.where(mask == 0, bit["ar"], mask)
    return mask.astype(np.int16)


def _names(rng: np.random.Generator, female: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n = len(female)
    women = len(vocabulary.FEMALE_FIRST_NAMES)
    female_name = _zipf_choice(rng, n, women, offset=3)
    male_name = _zipf_choice(rng, n, len(vocabulary.MALE_FIRST_NAMES), offset=3) + women
    first = np.where(female, female_name, male_name).astype(np.int16)
    last = _zipf_choice(rng, n, len(vocabulary.LAST_NAMES), offset=8)
    return first, last


def _cins(rng: np.random.Generator, region: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """ID card numbers, unique: letters of the region of residence (or, for movers, of anywhere), then digits."""
    n = len(region)
    sizes = np.array([len(p) for p in vocabulary.CIN_PREFIXES_BY_REGION])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    home = offsets[region] + np.floor(rng.random(n) * sizes[region]).astype(np.int64)
    anywhere = rng.integers(0, len(CIN_PREFIXES), n)
    prefix = np.where(rng.random(n) < 0.85, home, anywhere).astype(np.int16)
    number = rng.integers(1_000, 1_000_000, n).astype(np.int32)
    while True:
        keys = prefix.astype(np.int64) * 1_000_000 + number
        _, first = np.unique(keys, return_index=True)
        repeated = np.ones(n, dtype=bool)
        repeated[first] = False
        if not repeated.any():
            return prefix, number
        number[repeated] = rng.integers(1_000, 1_000_000, int(repeated.sum()))


def _timestamps(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Account creation and submission times: busiest at the opening and before the deadline, by day."""
    days = np.arange(REGISTRATION_DAYS)
    last = REGISTRATION_DAYS - 1
    day_weights = 1 + 3 * np.exp(-days / 2.0) + 5 * np.exp(-(last - days) / 1.5)
    hour_weights = np.asarray(HOUR_WEIGHTS, dtype=np.float64)
    day = rng.choice(REGISTRATION_DAYS, size=n, p=day_weights / day_weights.sum())
    hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    submitted = day * 86_400 + hour * 3_600 + rng.integers(0, 3_600, n)
    # Most fill the form in one sitting; some come back after a day or two, a few after a week.
    gap_kind = rng.random(n)
    gap = np.where(
        gap_kind < 0.6,
        rng.integers(300, 3_600, n),
        np.where(gap_kind < 0.9, rng.integers(3_600, 48 * 3_600, n), rng.integers(2 * 86_400, 7 * 86_400, n)),
    )
    registered = np.maximum(submitted - gap, 0)
    return registered.astype(np.int32), submitted.astype(np.int32)


def _choices(
    rng: np.random.Generator,
    *,
    territory: Territory,
    residence: np.ndarray,
    population_cum: np.ndarray,
    province_slices: tuple[np.ndarray, np.ndarray],
    region_slices: tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    """Ranked communes: first usually home, then mostly the home province, some the region, a few anywhere.

    Each rank is drawn for all candidates at once in proportion to population within the scope; the few draws
    that repeat an earlier choice are drawn again, and a scope that keeps repeating (a province of two
    communes) is widened, so the loop ends after a handful of small rounds.
    """
    n = len(residence)
    count = (rng.choice(MAX_CHOICES, size=n, p=CHOICE_COUNT_P) + 1).astype(np.int8)
    choices = np.full((n, MAX_CHOICES), -1, dtype=np.int32)
    home_province = territory.province[residence]
    home_region = territory.region[residence]
    # One row per scope (SCOPE_PROVINCE, SCOPE_REGION, SCOPE_NATION), one column per candidate.
    starts_by_scope = np.stack(
        (province_slices[0][home_province], region_slices[0][home_region], np.zeros(n, np.int64))
    )
    ends_by_scope = np.stack(
        (province_slices[1][home_province], region_slices[1][home_region], np.full(n, len(territory)))
    )

    away = rng.random(n) >= FIRST_CHOICE_AT_HOME
    choices[:, 0] = residence
    away_rows = np.flatnonzero(away)
    choices[away_rows, 0] = _draw_weighted_in_slices(
        population_cum,
        starts_by_scope[SCOPE_PROVINCE, away_rows],
        ends_by_scope[SCOPE_PROVINCE, away_rows],
        rng.random(len(away_rows)),
    )
    for rank in range(1, MAX_CHOICES):
        pending = np.flatnonzero(count > rank)
        scope = rng.choice(len(SCOPE_P), size=len(pending), p=SCOPE_P)
        draws = 0
        while len(pending):
            drawn = _draw_weighted_in_slices(
                population_cum,
                starts_by_scope[scope, pending],
                ends_by_scope[scope, pending],
                rng.random(len(pending)),
            )
            repeated = (choices[pending, :rank] == drawn[:, None]).any(axis=1)
            accepted = ~repeated
            choices[pending[accepted], rank] = drawn[accepted]
            pending, scope = pending[repeated], scope[repeated]
            draws += 1
            if draws % DRAWS_BEFORE_WIDENING == 0:
                scope = np.minimum(scope + 1, SCOPE_NATION)
    return count, choices
