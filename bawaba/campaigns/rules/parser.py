"""The rules document's parser: pure Python, no Django (the selection's scoring imports it).

:func:`parse_rules` checks the whole document and returns :class:`Rules`, or raises :class:`RulesError`
listing every problem at once. A problem is structured (a code and its parameters, :class:`RuleProblem`), not a
sentence: this module cannot translate (it must import without Django, let alone settings), so the pages turn
problems into sentences in the reader's language at the edge (`bawaba.campaigns.rules.problems`). The English
sentence of each code is kept here, marked with a local ``gettext_noop`` so that ``makemessages`` extracts it:
the catalogue and the English text cannot drift apart.
"""

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

__all__ = [
    "SCORE_PARTS",
    "PROBLEM_SENTENCES",
    "RuleProblem",
    "Rules",
    "RulesError",
    "check_education_codes",
    "parse_rules",
]


def gettext_noop(message: str) -> str:
    """Marks a sentence for makemessages (which looks for calls by this name) without importing Django."""
    return message


SCORE_PARTS = ("category", "education_level", "survey_experience", "ict_skill", "languages")

# Rule numbers are bounded so that every score, bonus and capacity stays far inside int64.
MAX_NUMBER = 1_000_000
MAX_FALLBACK_COMMUNES = 100
MIN_FACTOR = Fraction(1)
MAX_FACTOR = Fraction(3)
ICT_LEVELS = ("0", "1", "2", "3")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# One whole sentence per kind of problem, with named placeholders. `path` is the setting's place in the
# document (score.category.graduate): the staff page shows the field it comes from next to it.
PROBLEM_SENTENCES: dict[str, str] = {
    "not_an_object": gettext_noop("The rules must be an object (a dict)."),
    "unknown_setting": gettext_noop("%(path)s is not a known setting (expected %(expected)s)."),
    "missing": gettext_noop("%(path)s is missing."),
    "not_a_section": gettext_noop("%(path)s must be an object with the keys %(expected)s."),
    "not_whole": gettext_noop("%(path)s must be a whole number >= 0."),
    "too_large": gettext_noop("%(path)s must be at most %(maximum)s."),
    "not_a_points_table": gettext_noop("%(path)s must be an object mapping codes to points."),
    "not_a_code": gettext_noop("%(path)s has a key that is not a code: %(key)s."),
    "not_a_factor": gettext_noop('%(path)s must be a decimal string from 1 to 3, such as "1.05".'),
    "schema": gettext_noop("schema must be 1."),
    "ages_reversed": gettext_noop("eligibility.min_age must not be greater than eligibility.max_age."),
    "not_a_date": gettext_noop('%(path)s must be a date written YYYY-MM-DD, such as "2024-06-12".'),
    "not_categories": gettext_noop("%(path)s must be a list of distinct category codes."),
    "not_a_level": gettext_noop("%(path)s must be an education level code."),
    "category_not_admitted": gettext_noop("%(path)s is not one of eligibility.categories."),
    "not_an_ict_level": gettext_noop("%(path)s is not an ICT level (expected 0, 1, 2 or 3)."),
    "not_region_factors": gettext_noop("%(path)s must be an object mapping region codes to factors."),
    "not_a_region_code": gettext_noop("%(path)s has a key that is not a region code: %(key)s."),
    "not_a_boolean": gettext_noop("%(path)s must be true or false."),
    "max_communes": gettext_noop("%(path)s must be a whole number from 1 to %(maximum)s."),
    "unknown_level": gettext_noop("%(path)s is %(code)s, which is not an education level."),
    "unknown_level_key": gettext_noop("%(path)s is not an education level."),
    "unknown_region": gettext_noop("%(path)s is not a region code of the territory."),
    "note_missing": gettext_noop("note must say what changed."),
    "note_too_long": gettext_noop("note must be at most %(maximum)s characters long."),
}


@dataclass(frozen=True)
class RuleProblem:
    """One problem of a rules document: a code of :data:`PROBLEM_SENTENCES` and the values of its placeholders."""

    code: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_SENTENCES:
            raise ValueError(f"unknown rule problem {self.code!r}")

    def __str__(self) -> str:
        """The English sentence (logs, the command line, the run's stored error)."""
        return PROBLEM_SENTENCES[self.code] % dict(self.params)


class RulesError(ValueError):
    """The rules are malformed; ``problems`` lists every problem found (:class:`RuleProblem`)."""

    def __init__(self, problems: Sequence[RuleProblem]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(self.messages))

    @property
    def messages(self) -> list[str]:
        """The problems as English sentences; `bawaba.campaigns.rules.problems` translates them."""
        return [str(problem) for problem in self.problems]


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
    # Categories whose minimum education differs from min_education, sorted by category (schema 1 documents
    # saved before this setting existed have none: every category then has min_education).
    category_min_education: tuple[tuple[str, str], ...] = ()

    def min_education_for(self, category: str) -> str:
        """The lowest education level a candidate of `category` must have."""
        return dict(self.category_min_education).get(category, self.min_education)


class _Reader:
    """Walks a rules dict, collecting every problem instead of stopping at the first.

    A section that is missing or malformed is reported once and read as ``None``; the settings inside it
    are then skipped silently, so one mistake gives one message.
    """

    def __init__(self) -> None:
        self.problems: list[RuleProblem] = []

    def report(self, code: str, **params: object) -> None:
        self.problems.append(RuleProblem(code, params))

    def known_keys(self, mapping: Mapping, path: str, expected: Sequence[str]) -> None:
        # An unknown key is almost always a typo of a known one, which would otherwise be silently ignored.
        prefix = f"{path}." if path else ""
        for key in sorted(str(key) for key in mapping if key not in expected):
            self.report("unknown_setting", path=f"{prefix}{key}", expected=", ".join(expected))

    def present(self, mapping: Mapping | None, key: str, path: str) -> bool:
        if mapping is None:
            return False
        if key not in mapping:
            self.report("missing", path=path)
            return False
        return True

    def section(self, parent: Mapping | None, key: str, path: str, expected: Sequence[str]) -> Mapping | None:
        if not self.present(parent, key, path):
            return None
        value = parent[key]  # type: ignore[index]
        if not isinstance(value, Mapping):
            self.report("not_a_section", path=path, expected=", ".join(expected))
            return None
        self.known_keys(value, path, expected)
        return value

    def whole(self, mapping: Mapping | None, key: str, path: str) -> int:
        if not self.present(mapping, key, path):
            return 0
        value = mapping[key]  # type: ignore[index]
        # bool is an int subclass in Python, but True points is a mistake, not a number.
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.report("not_whole", path=path)
            return 0
        if value > MAX_NUMBER:
            self.report("too_large", path=path, maximum=f"{MAX_NUMBER:,}")
            return 0
        return value

    def points(self, mapping: Mapping | None, key: str, path: str) -> dict[str, int]:
        if not self.present(mapping, key, path):
            return {}
        table = mapping[key]  # type: ignore[index]
        if not isinstance(table, Mapping):
            self.report("not_a_points_table", path=path)
            return {}
        out = {}
        for code in sorted(table, key=str):
            if not isinstance(code, str) or not code:
                self.report("not_a_code", path=path, key=repr(code))
                continue
            out[str(code)] = self.whole(table, code, f"{path}.{code}")
        return out

    def factor(self, mapping: Mapping | None, key: str, path: str) -> Fraction:
        if not self.present(mapping, key, path):
            return Fraction(1)
        value = mapping[key]  # type: ignore[index]
        # A string, not a float: 1.1 as a float is not exactly 11/10, and capacities must be exact.
        if not isinstance(value, str) or not _DECIMAL.fullmatch(value):
            self.report("not_a_factor", path=path)
            return Fraction(1)
        factor = Fraction(value)
        if not MIN_FACTOR <= factor <= MAX_FACTOR:
            self.report("not_a_factor", path=path)
            return Fraction(1)
        return factor

    def level(self, mapping: Mapping, key: str, path: str) -> str:
        value = mapping[key]
        if not isinstance(value, str) or not value:
            self.report("not_a_level", path=path)
            return ""
        return value


_ELIGIBILITY_KEYS = (
    "min_age",
    "max_age",
    "age_on",
    "categories",
    "min_education",
    "min_education_by_category",
    "min_choices",
)


def _eligibility(read: _Reader, rules: Mapping) -> dict:
    eligibility = read.section(rules, "eligibility", "eligibility", _ELIGIBILITY_KEYS)
    min_age = read.whole(eligibility, "min_age", "eligibility.min_age")
    max_age = read.whole(eligibility, "max_age", "eligibility.max_age")
    if min_age > max_age:
        read.report("ages_reversed")
    age_on = datetime.date(2000, 1, 1)
    if read.present(eligibility, "age_on", "eligibility.age_on"):
        value = eligibility["age_on"]  # type: ignore[index]
        try:
            # fromisoformat alone would also take "20240612" or "2024-W24-3"; the rules use one spelling.
            if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
                raise ValueError(value)
            age_on = datetime.date.fromisoformat(value)
        except ValueError:
            read.report("not_a_date", path="eligibility.age_on")
    categories: tuple[str, ...] | None = None  # None: missing or malformed, already reported
    if read.present(eligibility, "categories", "eligibility.categories"):
        value = eligibility["categories"]  # type: ignore[index]
        if (
            not isinstance(value, list | tuple)
            or not all(isinstance(code, str) and code for code in value)
            or len(set(value)) != len(value)
        ):
            read.report("not_categories", path="eligibility.categories")
        else:
            categories = tuple(value)
    min_education = ""
    if read.present(eligibility, "min_education", "eligibility.min_education"):
        min_education = read.level(eligibility, "min_education", "eligibility.min_education")  # type: ignore[arg-type]
    # Optional (added after the first versions were saved, which stay readable): a category's own minimum.
    by_category: dict[str, str] = {}
    if eligibility is not None and "min_education_by_category" in eligibility:
        path = "eligibility.min_education_by_category"
        table = eligibility["min_education_by_category"]
        if not isinstance(table, Mapping):
            read.report("not_a_points_table", path=path)
        else:
            for code in sorted(table, key=str):
                if not isinstance(code, str) or not code:
                    read.report("not_a_code", path=path, key=repr(code))
                elif categories is not None and code not in categories:
                    read.report("category_not_admitted", path=f"{path}.{code}")
                else:
                    level = read.level(table, code, f"{path}.{code}")
                    if level:
                        by_category[code] = level
    return {
        "min_age": min_age,
        "max_age": max_age,
        "age_on": age_on,
        "categories": categories,
        "min_education": min_education,
        "category_min_education": tuple(sorted(by_category.items())),
        "min_choices": read.whole(eligibility, "min_choices", "eligibility.min_choices"),
    }


def _score(read: _Reader, rules: Mapping, categories: tuple[str, ...] | None) -> dict:
    score = read.section(rules, "score", "score", SCORE_PARTS)
    category_points = read.points(score, "category", "score.category")
    for code in category_points:
        if categories is not None and code not in categories:
            read.report("category_not_admitted", path=f"score.category.{code}")
    education_points = read.points(score, "education_level", "score.education_level")
    survey = read.section(
        score, "survey_experience", "score.survey_experience", ("per_survey", "max_surveys")
    )
    ict = read.points(score, "ict_skill", "score.ict_skill")
    for level in ict:
        if level not in ICT_LEVELS:
            read.report("not_an_ict_level", path=f"score.ict_skill.{level}")
    languages = read.section(score, "languages", "score.languages", ("per_language", "max_languages"))
    return {
        "category_points": tuple(sorted(category_points.items())),
        "education_points": tuple(sorted(education_points.items())),
        "per_survey": read.whole(survey, "per_survey", "score.survey_experience.per_survey"),
        "max_surveys": read.whole(survey, "max_surveys", "score.survey_experience.max_surveys"),
        "ict_points": (ict.get("0", 0), ict.get("1", 0), ict.get("2", 0), ict.get("3", 0)),
        "per_language": read.whole(languages, "per_language", "score.languages.per_language"),
        "max_languages": read.whole(languages, "max_languages", "score.languages.max_languages"),
    }


def _places(read: _Reader, rules: Mapping) -> dict:
    bonus = read.section(rules, "bonus", "bonus", ("residence_commune", "residence_province"))
    residence_commune_bonus = read.whole(bonus, "residence_commune", "bonus.residence_commune")
    residence_province_bonus = read.whole(bonus, "residence_province", "bonus.residence_province")

    over_selection = read.section(rules, "over_selection", "over_selection", ("factor", "regions"))
    factor = read.factor(over_selection, "factor", "over_selection.factor")
    region_factors: dict[str, Fraction] = {}
    if read.present(over_selection, "regions", "over_selection.regions"):
        regions = over_selection["regions"]  # type: ignore[index]
        if not isinstance(regions, Mapping):
            read.report("not_region_factors", path="over_selection.regions")
        else:
            for code in sorted(regions, key=str):
                if not isinstance(code, str) or not code:
                    read.report("not_a_region_code", path="over_selection.regions", key=repr(code))
                    continue
                region_factors[code] = read.factor(regions, code, f"over_selection.regions.{code}")

    fallback = read.section(rules, "province_fallback", "province_fallback", ("enabled", "max_communes"))
    fallback_enabled = False
    if read.present(fallback, "enabled", "province_fallback.enabled"):
        if not isinstance(fallback["enabled"], bool):  # type: ignore[index]
            read.report("not_a_boolean", path="province_fallback.enabled")
        else:
            fallback_enabled = fallback["enabled"]  # type: ignore[index]
    max_communes = 1
    if read.present(fallback, "max_communes", "province_fallback.max_communes"):
        value = fallback["max_communes"]  # type: ignore[index]
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_FALLBACK_COMMUNES:
            read.report("max_communes", path="province_fallback.max_communes", maximum=MAX_FALLBACK_COMMUNES)
        else:
            max_communes = value
    return {
        "residence_commune_bonus": residence_commune_bonus,
        "residence_province_bonus": residence_province_bonus,
        "factor": factor,
        "region_factors": tuple(sorted(region_factors.items())),
        "fallback_enabled": fallback_enabled,
        "fallback_max_communes": max_communes,
    }


def parse_rules(rules: Mapping) -> Rules:
    """Validate a campaign's rules dict and return it as :class:`Rules`; raise :class:`RulesError` if not.

    Every problem is reported at once, each naming its path (``score.category.graduate``). Numbers must be
    whole numbers >= 0 (``True`` is not a number), factors decimal strings from 1 to 3, ``age_on`` an ISO date
    (``YYYY-MM-DD``). Unknown keys are errors: they are typos of known ones.
    """
    if not isinstance(rules, Mapping):
        raise RulesError([RuleProblem("not_an_object")])
    read = _Reader()
    read.known_keys(
        rules, "", ("schema", "eligibility", "score", "bonus", "over_selection", "province_fallback")
    )
    schema = rules.get("schema")
    if not isinstance(schema, int) or isinstance(schema, bool) or schema != 1:
        read.report("schema")
    eligibility = _eligibility(read, rules)
    score = _score(read, rules, eligibility["categories"])
    places = _places(read, rules)
    if read.problems:
        raise RulesError(read.problems)
    eligibility["categories"] = eligibility["categories"] or ()
    return Rules(**eligibility, **score, **places)


def check_education_codes(rules: Rules, education_order: Sequence[str]) -> None:
    """The education codes of the rules must be levels of ``education_order``: anything else is a typo."""
    problems = []
    if rules.min_education not in education_order:
        problems.append(
            RuleProblem(
                "unknown_level", {"path": "eligibility.min_education", "code": repr(rules.min_education)}
            )
        )
    for category, level in rules.category_min_education:
        if level not in education_order:
            path = f"eligibility.min_education_by_category.{category}"
            problems.append(RuleProblem("unknown_level", {"path": path, "code": repr(level)}))
    for code, _ in rules.education_points:
        if code not in education_order:
            problems.append(RuleProblem("unknown_level_key", {"path": f"score.education_level.{code}"}))
    if problems:
        raise RulesError(problems)
