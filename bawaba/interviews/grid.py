"""The interview grid (issue 14, item 3): criteria with weights and scales, each level with a written descriptor,
and the score a set of levels gives. Pure: the grid is read from the campaign's JSON and checked here.

A grid, as JSON:

    {"criteria": [
        {"key": "communication", "name": {"ar": "…", "fr": "…", "en": "…"}, "weight": 3, "levels": [
            {"value": 0, "descriptor": {"ar": "…", "fr": "…", "en": "…"}},
            {"value": 1, "descriptor": {…}}, …]},
        …]}

The score is the weighted mean of the levels as a share of each criterion's top level, in hundredths of a point
out of 100 (an integer: 10000 is a perfect score). Integers, so that the score is exact, reproducible and sorts
the same everywhere: it becomes the final selection's priority (selection rules), and a run recomputed from its
inputs must give the same digest.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TypeGuard

from django.utils.translation import gettext as _

MAX_CRITERIA = 20
MAX_LEVELS = 11
MAX_WEIGHT = 100
MAX_LEVEL_VALUE = 100
LANGUAGES = ("ar", "fr", "en")
FULL_SCORE = 10_000


class GridError(ValueError):
    """A grid or a set of levels that cannot be used; the message says what, for the administrator."""


@dataclass(frozen=True)
class Level:
    value: int
    descriptor: Mapping[str, str]


@dataclass(frozen=True)
class Criterion:
    key: str
    weight: int
    levels: tuple[Level, ...]
    name: Mapping[str, str]

    @property
    def top(self) -> int:
        return max(level.value for level in self.levels)

    @property
    def values(self) -> frozenset[int]:
        return frozenset(level.value for level in self.levels)


@dataclass(frozen=True)
class Grid:
    criteria: tuple[Criterion, ...]

    @property
    def total_weight(self) -> int:
        return sum(criterion.weight for criterion in self.criteria)


def _integer(value: object, what: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise GridError(
            _("%(what)s must be a whole number from %(low)d to %(high)d.")
            % {"what": what, "low": low, "high": high}
        )
    return value


def _described(texts: object) -> TypeGuard[Mapping[str, str]]:
    """A text in Arabic and in French at least (English is optional)."""
    return isinstance(texts, Mapping) and all(
        isinstance(texts.get(language), str) and texts[language].strip() for language in ("ar", "fr")
    )


def read_grid(data: object) -> Grid:
    """Check a grid's JSON and build it; GridError says the first thing wrong."""
    if not isinstance(data, Mapping) or not isinstance(data.get("criteria"), list):
        raise GridError(_("A grid is an object with a list of criteria."))
    raw_criteria = data["criteria"]
    if not 1 <= len(raw_criteria) <= MAX_CRITERIA:
        raise GridError(_("A grid has from 1 to %(most)d criteria.") % {"most": MAX_CRITERIA})
    criteria: list[Criterion] = []
    keys: set[str] = set()
    for raw in raw_criteria:
        if not isinstance(raw, Mapping):
            raise GridError(_("Each criterion is an object."))
        key = raw.get("key")
        if (
            not isinstance(key, str)
            or not key
            or len(key) > 40
            or not key.replace("-", "").replace("_", "").isalnum()
        ):
            raise GridError(_("Each criterion has a short key of letters, digits, - and _."))
        if key in keys:
            raise GridError(_("Criterion %(key)s appears twice.") % {"key": key})
        keys.add(key)
        name = raw.get("name")
        if not _described(name):
            raise GridError(_("Criterion %(key)s needs a name in Arabic and in French.") % {"key": key})
        weight = _integer(raw.get("weight"), _("The weight of %(key)s") % {"key": key}, 1, MAX_WEIGHT)
        raw_levels = raw.get("levels")
        if not isinstance(raw_levels, list) or not 2 <= len(raw_levels) <= MAX_LEVELS:
            raise GridError(
                _("Criterion %(key)s has from 2 to %(most)d levels.") % {"key": key, "most": MAX_LEVELS}
            )
        levels: list[Level] = []
        for raw_level in raw_levels:
            if not isinstance(raw_level, Mapping):
                raise GridError(_("Each level of %(key)s is an object.") % {"key": key})
            value = _integer(
                raw_level.get("value"), _("A level of %(key)s") % {"key": key}, 0, MAX_LEVEL_VALUE
            )
            descriptor = raw_level.get("descriptor")
            if not _described(descriptor):
                raise GridError(
                    _("Level %(value)d of %(key)s needs a descriptor in Arabic and in French.")
                    % {"value": value, "key": key}
                )
            levels.append(Level(value=value, descriptor={k: str(descriptor.get(k, "")) for k in LANGUAGES}))
        values = [level.value for level in levels]
        if len(set(values)) != len(values):
            raise GridError(_("Criterion %(key)s has a level twice.") % {"key": key})
        if min(values) != 0:
            raise GridError(_("The lowest level of %(key)s is 0.") % {"key": key})
        criteria.append(
            Criterion(
                key=key,
                weight=weight,
                levels=tuple(sorted(levels, key=lambda x: x.value)),
                name={language: str(name.get(language, "")) for language in LANGUAGES},
            )
        )
    return Grid(criteria=tuple(criteria))


def score(grid: Grid, levels: Mapping[str, int]) -> int:
    """The score of one candidate's levels (one per criterion, each a level of its scale), out of FULL_SCORE.

    Rounded half up once, at the end, from the exact fraction: the same levels always give the same score.
    """
    missing = [criterion.key for criterion in grid.criteria if criterion.key not in levels]
    if missing:
        raise GridError(_("A level is missing for %(keys)s.") % {"keys": ", ".join(missing)})
    unknown = sorted(set(levels) - {criterion.key for criterion in grid.criteria})
    if unknown:
        raise GridError(_("No such criterion: %(keys)s.") % {"keys": ", ".join(unknown)})
    total = Fraction(0)
    for criterion in grid.criteria:
        level = levels[criterion.key]
        if isinstance(level, bool) or not isinstance(level, int) or level not in criterion.values:
            raise GridError(
                _("%(level)s is not a level of %(key)s.") % {"level": level, "key": criterion.key}
            )
        total += Fraction(criterion.weight * level, criterion.top)
    exact = total * FULL_SCORE / grid.total_weight
    return math.floor(exact + Fraction(1, 2))
