"""Which communes rounding up the places favours: the staff rules page warns about them.

Places in a commune are its needs × the over-selection factor, rounded up (`selection.scoring.capacities`). In
a commune whose needs are small, the factor asks for a fraction of an extra place and rounding up gives a whole
one: needs 1 at factor 1.01 is 1.01, hence 2 places, twice the needs where the campaign meant 1 % more. Such
communes are listed so that the administrator sees what the factor really does before a run.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction

from bawaba.campaigns.models import Campaign, CommuneNeed
from bawaba.campaigns.rules.parser import Rules
from bawaba.core.names import localised_field

EXAMPLES = 5


@dataclass(frozen=True)
class RoundedCommune:
    name: str
    needs: int
    places: int


@dataclass(frozen=True)
class RoundingWarning:
    """`count` communes get a whole extra place where their factor asks for less than one; the smallest needs
    first in `examples`. `places` is what the communes with needs get in all, `exact` the sum of needs × factor."""

    count: int
    examples: list[RoundedCommune] = field(default_factory=list)
    places: int = 0
    exact: Fraction = Fraction(0)

    @property
    def exact_display(self) -> str:
        return f"{float(self.exact):.2f}"


def _factor(rules: Rules, region_code: str) -> Fraction:
    return dict(rules.region_factors).get(region_code, rules.factor)


def rounding_warning(needs: Iterable[tuple[str, str, int]], rules: Rules) -> RoundingWarning | None:
    """From (commune name, region code, needs) rows: the communes rounding up gives a whole extra place while
    their factor asks for less than one; None when there is none. Exact arithmetic, as the run's."""
    favoured = []
    places_total = 0
    exact_total = Fraction(0)
    for name, region_code, need in needs:
        factor = _factor(rules, region_code)
        exact = need * factor
        places = -(-exact.numerator // exact.denominator)  # ceil, in integers
        places_total += places
        exact_total += exact
        if places > need and need * (factor - 1) < 1:
            favoured.append(RoundedCommune(name=name, needs=need, places=places))
    if not favoured:
        return None
    favoured.sort(key=lambda commune: (commune.needs, commune.name))
    return RoundingWarning(
        count=len(favoured), examples=favoured[:EXAMPLES], places=places_total, exact=exact_total
    )


def campaign_rounding_warning(campaign: Campaign, rules: Rules) -> RoundingWarning | None:
    """`rounding_warning` over the campaign's training needs (the places of the preselection), names in the
    page's language."""
    rows = CommuneNeed.objects.filter(campaign=campaign, stage=CommuneNeed.Stage.TRAINING).values_list(
        f"commune__{localised_field()}", "commune__region__code", "quantity"
    )
    return rounding_warning(rows.iterator(), rules)
