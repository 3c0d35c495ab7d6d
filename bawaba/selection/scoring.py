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
"""

import datetime
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from fractions import Fraction

import numpy as np

from bawaba.selection.engine import Instance, lottery_numbers

__all__ = [
    "SCORE_PARTS",
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

SCORE_PARTS = ("category", "education_level", "survey_experience", "ict_skill", "languages")

# Rule numbers are bounded so that every score, bonus and capacity stays far inside int64.
_MAX_NUMBER = 1_000_000
_MAX_FALLBACK_COMMUNES = 100
_MAX_FACTOR = Fraction(3)
_ICT_LEVELS = ("0", "1", "2", "3")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_INT64_MAX = int(np.iinfo(np.int64).max)


# --------------------------------------------------------------------------------------------- input data


def _frozen(array: np.ndarray) -> np.ndarray:
    out = np.array(array, order="C", copy=True)
    out.setflags(write=False)
    return out


def _integers(name: str, value: object, *, ndim: int, dtype: type[np.generic]) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim != ndim:
        raise ValueError(f"{name} must be a {ndim}-dimensional array, got shape {array.shape}.")
    if array.size == 0:
        return array.astype(dtype)
    # bool is not an integer dtype for NumPy, which is what we want: True is not a commune.
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got dtype {array.dtype}.")
    info = np.iinfo(dtype)
    if int(array.min()) < info.min or int(array.max()) > info.max:
        raise ValueError(f"{name} must fit in {np.dtype(dtype).name}, found {array.min()}..{array.max()}.")
    return array.astype(dtype)


def _strings(name: str, value: object, *, length: int | None = None) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim != 1:
        raise ValueError(f"{name} must be a 1-dimensional array, got shape {array.shape}.")
    if array.size == 0:
        array = array.astype("<U1")
    if array.dtype.kind != "U":
        raise ValueError(f"{name} must be a NumPy unicode (str) array, got dtype {array.dtype}.")
    if length is not None and array.shape[0] != length:
        raise ValueError(f"{name} must have {length} entries, got {array.shape[0]}.")
    return array


def _floats(name: str, value: object, *, length: int) -> np.ndarray:
    array = np.asarray(value)
    if array.shape != (length,):
        raise ValueError(f"{name} must have shape ({length},), got {array.shape}.")
    if array.size and not (np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)):
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}.")
    return array.astype(np.float64)


def _check_length(name: str, array: np.ndarray, length: int) -> None:
    if array.shape[0] != length:
        raise ValueError(f"{name} must have {length} entries, got {array.shape[0]}.")


def _check_index(name: str, array: np.ndarray, size: int, *, allow_missing: bool = False) -> None:
    """Entries must be indices into an array of ``size`` (or -1 when ``allow_missing``)."""
    if array.size == 0:
        return
    low, high = int(array.min()), int(array.max())
    floor = -1 if allow_missing else 0
    if low < floor or high >= size:
        allowed = f"[0, {size}) or -1" if allow_missing else f"[0, {size})"
        raise ValueError(f"{name} must hold indices in {allowed}, found {low}..{high}.")


def _check_strictly_ascending(name: str, array: np.ndarray) -> None:
    if array.size > 1 and not bool((array[1:] > array[:-1]).all()):
        row = int(np.flatnonzero(array[1:] <= array[:-1])[0]) + 1
        raise ValueError(
            f"{name} must be strictly ascending; entry {row} is {array[row]} after {array[row - 1]}."
        )


def _check_unique(name: str, array: np.ndarray) -> None:
    if np.unique(array).size != array.size:
        raise ValueError(f"{name} must not repeat a code.")


@dataclass(frozen=True, eq=False)
class Territory:
    """The m communes of the country; a commune's index is its position in these arrays.

    ``commune_id`` (m,) int64 database ids, strictly ascending; ``commune_code`` (m,) str public HCP codes;
    ``province_index`` (m,) int32 into ``province_code`` (p,) str; ``region_index`` (m,) int32 into
    ``region_code`` (r,) str; ``latitude`` / ``longitude`` (m,) float64 centroids, NaN when unknown.
    Arrays are copied, converted and made read-only; malformed input raises ``ValueError``.
    """

    commune_id: np.ndarray
    commune_code: np.ndarray
    province_index: np.ndarray
    province_code: np.ndarray
    region_index: np.ndarray
    region_code: np.ndarray
    latitude: np.ndarray
    longitude: np.ndarray

    def __post_init__(self) -> None:
        commune_id = _integers("commune_id", self.commune_id, ndim=1, dtype=np.int64)
        m = commune_id.shape[0]
        commune_code = _strings("commune_code", self.commune_code, length=m)
        province_code = _strings("province_code", self.province_code)
        region_code = _strings("region_code", self.region_code)
        province_index = _integers("province_index", self.province_index, ndim=1, dtype=np.int32)
        region_index = _integers("region_index", self.region_index, ndim=1, dtype=np.int32)
        _check_length("province_index", province_index, m)
        _check_length("region_index", region_index, m)
        _check_index("province_index", province_index, province_code.shape[0])
        _check_index("region_index", region_index, region_code.shape[0])
        _check_strictly_ascending("commune_id", commune_id)
        _check_unique("commune_code", commune_code)
        _check_unique("province_code", province_code)
        _check_unique("region_code", region_code)
        latitude = _floats("latitude", self.latitude, length=m)
        longitude = _floats("longitude", self.longitude, length=m)
        for name, value in (
            ("commune_id", commune_id),
            ("commune_code", commune_code),
            ("province_index", province_index),
            ("province_code", province_code),
            ("region_index", region_index),
            ("region_code", region_code),
            ("latitude", latitude),
            ("longitude", longitude),
        ):
            object.__setattr__(self, name, _frozen(value))

    @property
    def n_communes(self) -> int:
        return int(self.commune_id.shape[0])


@dataclass(frozen=True, eq=False)
class Candidates:
    """The n submitted applications of a run, ordered by ``application_id`` (strictly ascending).

    ``birth_date`` (n,) datetime64[D], NaT when missing; ``category`` and ``education_level`` (n,) str, ""
    when missing; ``survey_count`` (n,) int16 >= 0; ``ict_skill`` (n,) int8 in 0..3; ``language_count``
    (n,) int8 >= 0; ``residence`` (n,) int32 commune index or -1; ``choices`` (n, k) int32 commune indices,
    best first, -1 pads the end of a row (no holes, no repeats); ``accepts_province_fallback`` (n,) bool.
    Arrays are copied, converted and made read-only; malformed input raises ``ValueError``. Commune indices
    are checked against the territory by :func:`prepare`.
    """

    application_id: np.ndarray
    birth_date: np.ndarray
    category: np.ndarray
    education_level: np.ndarray
    survey_count: np.ndarray
    ict_skill: np.ndarray
    language_count: np.ndarray
    residence: np.ndarray
    choices: np.ndarray
    accepts_province_fallback: np.ndarray

    def __post_init__(self) -> None:
        application_id = _integers("application_id", self.application_id, ndim=1, dtype=np.int64)
        n = application_id.shape[0]
        _check_strictly_ascending("application_id", application_id)

        birth_date = np.asarray(self.birth_date)
        if birth_date.size == 0 and birth_date.dtype.kind != "M":
            birth_date = birth_date.astype("datetime64[D]")
        if birth_date.dtype != np.dtype("datetime64[D]"):
            raise ValueError(f"birth_date must have dtype datetime64[D], got {birth_date.dtype}.")
        if birth_date.shape != (n,):
            raise ValueError(f"birth_date must have shape ({n},), got {birth_date.shape}.")
        category = _strings("category", self.category, length=n)
        education_level = _strings("education_level", self.education_level, length=n)
        survey_count = _integers("survey_count", self.survey_count, ndim=1, dtype=np.int16)
        ict_skill = _integers("ict_skill", self.ict_skill, ndim=1, dtype=np.int8)
        language_count = _integers("language_count", self.language_count, ndim=1, dtype=np.int8)
        residence = _integers("residence", self.residence, ndim=1, dtype=np.int32)
        for name, value in (
            ("survey_count", survey_count),
            ("ict_skill", ict_skill),
            ("language_count", language_count),
            ("residence", residence),
        ):
            _check_length(name, value, n)
        if survey_count.size and int(survey_count.min()) < 0:
            raise ValueError("survey_count must be >= 0.")
        if ict_skill.size and (int(ict_skill.min()) < 0 or int(ict_skill.max()) > 3):
            raise ValueError(f"ict_skill must lie in 0..3, found {ict_skill.min()}..{ict_skill.max()}.")
        if language_count.size and int(language_count.min()) < 0:
            raise ValueError("language_count must be >= 0.")
        if residence.size and int(residence.min()) < -1:
            raise ValueError("residence must be a commune index or -1.")

        choices = _integers("choices", self.choices, ndim=2, dtype=np.int32)
        if choices.shape[0] != n:
            raise ValueError(f"choices must have one row per candidate ({n}), got shape {choices.shape}.")
        if choices.size and int(choices.min()) < -1:
            raise ValueError("choices must hold commune indices or -1.")
        listed = choices >= 0
        holes = listed[:, 1:] & ~listed[:, :-1]
        if holes.any():
            row = int(np.flatnonzero(holes.any(axis=1))[0])
            raise ValueError(f"choices row {row} has a commune after a -1: {choices[row].tolist()}.")
        ordered = np.sort(choices, axis=1)
        repeats = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
        if repeats.any():
            row = int(np.flatnonzero(repeats.any(axis=1))[0])
            raise ValueError(f"choices row {row} lists a commune twice: {choices[row].tolist()}.")

        accepts = np.asarray(self.accepts_province_fallback)
        if accepts.size == 0:
            accepts = accepts.astype(np.bool_)
        if accepts.dtype != np.bool_ or accepts.shape != (n,):
            raise ValueError(
                f"accepts_province_fallback must be a ({n},) bool array, got {accepts.dtype} {accepts.shape}."
            )
        for name, value in (
            ("application_id", application_id),
            ("birth_date", birth_date),
            ("category", category),
            ("education_level", education_level),
            ("survey_count", survey_count),
            ("ict_skill", ict_skill),
            ("language_count", language_count),
            ("residence", residence),
            ("choices", choices),
            ("accepts_province_fallback", accepts),
        ):
            object.__setattr__(self, name, _frozen(value))

    @property
    def n_candidates(self) -> int:
        return int(self.application_id.shape[0])


# ------------------------------------------------------------------------------------------------- rules


class RulesError(ValueError):
    """The rules are malformed; ``problems`` lists every problem found, one plain English sentence each."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(self.problems))


@dataclass(frozen=True)
class Rules:
    """A validated rules dict (see :func:`parse_rules`); points tables are sorted (code, points) pairs."""

    min_age: int
    max_age: int
    age_on: datetime.date
    categories: tuple[str, ...]
    min_education: str
    min_choices: int
    category_points: tuple[tuple[str, int], ...]
    education_points: tuple[tuple[str, int], ...]
    per_survey: int
    max_surveys: int
    ict_points: tuple[int, int, int, int]  # points for ICT levels 0, 1, 2, 3
    per_language: int
    max_languages: int
    residence_commune_bonus: int
    residence_province_bonus: int
    factor: Fraction
    region_factors: tuple[tuple[str, Fraction], ...]  # sorted by region code
    fallback_enabled: bool
    fallback_max_communes: int


class _Reader:
    """Walks a rules dict, collecting every problem instead of stopping at the first.

    A section that is missing or malformed is reported once and read as ``None``; the settings inside it
    are then skipped silently, so one mistake gives one message.
    """

    def __init__(self) -> None:
        self.problems: list[str] = []

    def known_keys(self, mapping: Mapping, path: str, expected: Sequence[str]) -> None:
        # An unknown key is almost always a typo of a known one, which would otherwise be silently ignored.
        prefix = f"{path}." if path else ""
        for key in sorted(str(key) for key in mapping if key not in expected):
            self.problems.append(f"{prefix}{key} is not a known setting (expected {', '.join(expected)}).")

    def present(self, mapping: Mapping | None, key: str, path: str) -> bool:
        if mapping is None:
            return False
        if key not in mapping:
            self.problems.append(f"{path} is missing.")
            return False
        return True

    def section(self, parent: Mapping | None, key: str, path: str, expected: Sequence[str]) -> Mapping | None:
        if not self.present(parent, key, path):
            return None
        value = parent[key]
        if not isinstance(value, Mapping):
            self.problems.append(f"{path} must be an object with the keys {', '.join(expected)}.")
            return None
        self.known_keys(value, path, expected)
        return value

    def whole(self, mapping: Mapping | None, key: str, path: str) -> int:
        if not self.present(mapping, key, path):
            return 0
        value = mapping[key]
        # bool is an int subclass in Python, but True points is a mistake, not a number.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.problems.append(f"{path} must be a whole number >= 0.")
            return 0
        if value > _MAX_NUMBER:
            self.problems.append(f"{path} must be at most {_MAX_NUMBER:,}.")
            return 0
        return value

    def points(self, mapping: Mapping | None, key: str, path: str) -> dict[str, int]:
        if not self.present(mapping, key, path):
            return {}
        table = mapping[key]
        if not isinstance(table, Mapping):
            self.problems.append(f"{path} must be an object mapping codes to points.")
            return {}
        out = {}
        for code in sorted(table, key=str):
            if not isinstance(code, str) or not code:
                self.problems.append(f"{path} has a key that is not a code: {code!r}.")
                continue
            out[str(code)] = self.whole(table, code, f"{path}.{code}")
        return out

    def factor(self, mapping: Mapping | None, key: str, path: str) -> Fraction:
        if not self.present(mapping, key, path):
            return Fraction(1)
        value = mapping[key]
        message = f'{path} must be a decimal string from 1 to 3, such as "1.05".'
        # A string, not a float: 1.1 as a float is not exactly 11/10, and capacities must be exact.
        if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
            self.problems.append(message)
            return Fraction(1)
        factor = Fraction(value)
        if not 1 <= factor <= _MAX_FACTOR:
            self.problems.append(message)
            return Fraction(1)
        return factor


def parse_rules(rules: Mapping) -> Rules:
    """Validate a campaign's rules dict and return it as :class:`Rules`; raise :class:`RulesError` if not.

    Every problem is reported at once, each naming its path (``score.category.graduate``). Numbers must be
    whole numbers >= 0 (``True`` is not a number), factors decimal strings from 1 to 3, ``age_on`` an ISO date
    (``YYYY-MM-DD``). Unknown keys are errors: they are typos of known ones.
    """
    if not isinstance(rules, Mapping):
        raise RulesError(["The rules must be an object (a dict)."])
    read = _Reader()
    read.known_keys(
        rules, "", ("schema", "eligibility", "score", "bonus", "over_selection", "province_fallback")
    )
    schema = rules.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema != 1:
        read.problems.append("schema must be 1.")

    eligibility = read.section(
        rules,
        "eligibility",
        "eligibility",
        ("min_age", "max_age", "age_on", "categories", "min_education", "min_choices"),
    )
    min_age = read.whole(eligibility, "min_age", "eligibility.min_age")
    max_age = read.whole(eligibility, "max_age", "eligibility.max_age")
    if min_age > max_age:
        read.problems.append("eligibility.min_age must not be greater than eligibility.max_age.")
    age_on = datetime.date(2000, 1, 1)
    if read.present(eligibility, "age_on", "eligibility.age_on"):
        value = eligibility["age_on"]
        try:
            # fromisoformat alone would also take "20240612" or "2024-W24-3"; the rules use one spelling.
            if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            age_on = datetime.date.fromisoformat(value)
        except ValueError:
            read.problems.append(
                'eligibility.age_on must be a date written YYYY-MM-DD, such as "2024-06-12".'
            )
    categories: tuple[str, ...] | None = None  # None: missing or malformed, already reported
    if read.present(eligibility, "categories", "eligibility.categories"):
        value = eligibility["categories"]
        if (
            not isinstance(value, list | tuple)
            or not all(isinstance(code, str) and code for code in value)
            or len(set(value)) != len(value)
        ):
            read.problems.append("eligibility.categories must be a list of distinct category codes.")
        else:
            categories = tuple(value)
    min_education = ""
    if read.present(eligibility, "min_education", "eligibility.min_education"):
        value = eligibility["min_education"]
        if not isinstance(value, str) or not value:
            read.problems.append("eligibility.min_education must be an education level code.")
        else:
            min_education = value
    min_choices = read.whole(eligibility, "min_choices", "eligibility.min_choices")

    score = read.section(rules, "score", "score", SCORE_PARTS)
    category_points = read.points(score, "category", "score.category")
    for code in category_points:
        if categories is not None and code not in categories:
            read.problems.append(f"score.category.{code} is not one of eligibility.categories.")
    education_points = read.points(score, "education_level", "score.education_level")
    survey = read.section(
        score, "survey_experience", "score.survey_experience", ("per_survey", "max_surveys")
    )
    per_survey = read.whole(survey, "per_survey", "score.survey_experience.per_survey")
    max_surveys = read.whole(survey, "max_surveys", "score.survey_experience.max_surveys")
    ict = read.points(score, "ict_skill", "score.ict_skill")
    for level in ict:
        if level not in _ICT_LEVELS:
            read.problems.append(f"score.ict_skill.{level} is not an ICT level (expected 0, 1, 2 or 3).")
    languages = read.section(score, "languages", "score.languages", ("per_language", "max_languages"))
    per_language = read.whole(languages, "per_language", "score.languages.per_language")
    max_languages = read.whole(languages, "max_languages", "score.languages.max_languages")

    bonus = read.section(rules, "bonus", "bonus", ("residence_commune", "residence_province"))
    residence_commune_bonus = read.whole(bonus, "residence_commune", "bonus.residence_commune")
    residence_province_bonus = read.whole(bonus, "residence_province", "bonus.residence_province")

    over_selection = read.section(rules, "over_selection", "over_selection", ("factor", "regions"))
    factor = read.factor(over_selection, "factor", "over_selection.factor")
    region_factors: dict[str, Fraction] = {}
    if read.present(over_selection, "regions", "over_selection.regions"):
        regions = over_selection["regions"]
        if not isinstance(regions, Mapping):
            read.problems.append("over_selection.regions must be an object mapping region codes to factors.")
        else:
            for code in sorted(regions, key=str):
                if not isinstance(code, str) or not code:
                    read.problems.append(
                        f"over_selection.regions has a key that is not a region code: {code!r}."
                    )
                    continue
                region_factors[code] = read.factor(regions, code, f"over_selection.regions.{code}")

    fallback = read.section(rules, "province_fallback", "province_fallback", ("enabled", "max_communes"))
    fallback_enabled = False
    if read.present(fallback, "enabled", "province_fallback.enabled"):
        if not isinstance(fallback["enabled"], bool):
            read.problems.append("province_fallback.enabled must be true or false.")
        else:
            fallback_enabled = fallback["enabled"]
    max_communes = 1
    if read.present(fallback, "max_communes", "province_fallback.max_communes"):
        value = fallback["max_communes"]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_FALLBACK_COMMUNES:
            read.problems.append(
                f"province_fallback.max_communes must be a whole number from 1 to {_MAX_FALLBACK_COMMUNES}."
            )
        else:
            max_communes = value

    if read.problems:
        raise RulesError(read.problems)
    return Rules(
        min_age=min_age,
        max_age=max_age,
        age_on=age_on,
        categories=categories or (),
        min_education=min_education,
        min_choices=min_choices,
        category_points=tuple(sorted(category_points.items())),
        education_points=tuple(sorted(education_points.items())),
        per_survey=per_survey,
        max_surveys=max_surveys,
        ict_points=(ict.get("0", 0), ict.get("1", 0), ict.get("2", 0), ict.get("3", 0)),
        per_language=per_language,
        max_languages=max_languages,
        residence_commune_bonus=residence_commune_bonus,
        residence_province_bonus=residence_province_bonus,
        factor=factor,
        region_factors=tuple(sorted(region_factors.items())),
        fallback_enabled=fallback_enabled,
        fallback_max_communes=max_communes,
    )


def _check_education_codes(rules: Rules, education_order: Sequence[str]) -> None:
    """The education codes of the rules must be levels of ``education_order``: anything else is a typo."""
    problems = []
    if rules.min_education not in education_order:
        problems.append(f"eligibility.min_education {rules.min_education!r} is not an education level.")
    for code, _ in rules.education_points:
        if code not in education_order:
            problems.append(f"score.education_level.{code} is not an education level.")
    if problems:
        raise RulesError(problems)


# ------------------------------------------------------------------------------------------------ places


def capacities(needs: np.ndarray, territory: Territory, rules: Rules) -> np.ndarray:
    """Places per commune, (m,) int64: ``ceil(needs x factor)``, with the region's factor where one is set.

    Exact: a factor p/q gives ``(needs * p + q - 1) // q`` in integers, so ``"1.10"`` x 10 is 11, not 12. A
    region override for a code the territory does not have raises :class:`RulesError`: it is a typo.
    """
    m = territory.n_communes
    needs = _integers("needs", needs, ndim=1, dtype=np.int64)
    _check_length("needs", needs, m)
    if needs.size and int(needs.min()) < 0:
        raise ValueError(
            f"needs must be >= 0; commune {int(np.flatnonzero(needs < 0)[0])} has a negative need."
        )
    codes = territory.region_code.tolist()
    unknown = [code for code, _ in rules.region_factors if code not in codes]
    if unknown:
        raise RulesError(
            [f"over_selection.regions.{code} is not a region code of the territory." for code in unknown]
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


class Ineligibility(IntEnum):
    """Why a candidate is not selectable; the first failing reason in this order is recorded."""

    ELIGIBLE = 0
    AGE = 1
    CATEGORY = 2
    EDUCATION = 3
    NO_CHOICE = 4


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
    _check_education_codes(rules, education_order)
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
    education_ok = education >= education_order.index(rules.min_education)
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
    _check_education_codes(rules, education_order)
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
    * ``score_parts`` (n, 5) int64 in :data:`SCORE_PARTS` order and ``score`` (n,) int64, for everyone;
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
    _check_index("residence", candidates.residence, m, allow_missing=True)
    _check_index("choices", candidates.choices, m, allow_missing=True)
    places = capacities(needs, territory, parsed)

    _check_education_codes(parsed, education_order)
    # Each code column is compared with each code once, and the positions serve eligibility and points.
    category = _code_index(candidates.category, parsed.categories)
    education = _code_index(candidates.education_level, education_order)
    reason = _ineligibility(candidates, parsed, category, education, list(education_order))
    parts = _score_parts(candidates, parsed, category, education, list(education_order))
    score = parts.sum(axis=1)
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

    instance = Instance(
        preferences,
        priorities_at(preferences, score[eligible_rows], residence, territory, parsed),
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
