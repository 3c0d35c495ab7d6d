"""Tables of indicators (issue 15): several registered indicators of one campaign side by side, broken down by one
dimension, with their totals; and the ratio the source documents show beside them.

Reads the registry (bawaba.core.contributions.Indicator): the apps whose data an indicator counts define it, this
module only puts their figures together.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from bawaba.core.contributions import Indicator, registry


class IndicatorError(ValueError):
    """An indicator that does not exist, or a dimension it is not broken down by."""


@dataclass(frozen=True)
class IndicatorTable:
    dimension: str
    indicators: tuple[Indicator, ...]
    rows: tuple[str, ...]  # the dimension's values that have a figure, sorted
    values: dict[str, dict[str, int]]  # {row: {indicator key: figure}}, 0 where an indicator has none
    totals: dict[str, int]  # {indicator key: figure for the whole campaign}

    def value(self, row: str, key: str) -> int:
        return self.values[row][key]


def indicator_table(campaign, keys: Sequence[str], by: str) -> IndicatorTable:
    """The indicators of `keys` for the campaign, by `by`, and their totals (each computed on its own)."""
    chosen = []
    for key in keys:
        try:
            indicator = registry.indicator(key)
        except KeyError:
            raise IndicatorError(f"No indicator {key!r}.") from None
        if by not in indicator.dimensions:
            raise IndicatorError(f"The indicator {key!r} is not broken down by {by!r}.")
        chosen.append(indicator)
    figures = {
        indicator.key: {values[0]: figure for values, figure in indicator.compute(campaign, (by,)).items()}
        for indicator in chosen
    }
    rows = sorted({row for values in figures.values() for row in values})
    return IndicatorTable(
        dimension=by,
        indicators=tuple(chosen),
        rows=tuple(rows),
        values={row: {key: int(values.get(row, 0)) for key, values in figures.items()} for row in rows},
        totals={indicator.key: int(indicator.compute(campaign, ())[()]) for indicator in chosen},
    )


def ratio_percent(numerator: int, denominator: int) -> int | None:
    """numerator / denominator in whole percent, rounded half up in integers (the source's 172 %); None for 0."""
    if denominator <= 0:
        return None
    return (200 * numerator + denominator) // (2 * denominator)


def share_percent(part: int, whole: int) -> int | None:
    """A part's share of the whole, in whole percent rounded half up (the source's 42 % of the candidates)."""
    return ratio_percent(part, whole)
