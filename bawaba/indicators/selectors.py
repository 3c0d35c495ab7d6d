"""Reads of the indicator layer: a campaign's summary figures for a staff member's scope, by area or by another
dimension, with the time of their last refresh.

A scope reads at its own level: the nation for a central administrator, her regions for a coordinator, her
provinces for a supervisor. Its figures are the sum of its areas' (the summary tables hold each area's counts), and
its table by area goes one level down (regions, provinces, communes). A drill-down into an area outside the scope
finds nothing, exactly like an area that does not exist.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from django.db.models import Sum

from bawaba.accounts.scopes import Scope
from bawaba.core.contributions import Indicator, registry
from bawaba.indicators.models import IndicatorFigure, Level, SummaryRefresh
from bawaba.indicators.tables import IndicatorError, IndicatorTable
from bawaba.territory.models import Commune, Province, Region

BELOW: dict[str, str] = {
    Level.NATION: Level.REGION,
    Level.REGION: Level.PROVINCE,
    Level.PROVINCE: Level.COMMUNE,
}


@dataclass(frozen=True)
class Place:
    """Where a dashboard stands: a level and the codes of its areas ("" for the nation)."""

    level: str
    codes: tuple[str, ...]

    @property
    def is_nation(self) -> bool:
        return self.level == Level.NATION


NATION = Place(Level.NATION, ("",))


def place_of_scope(scope: Scope) -> Place | None:
    """The place a staff member's scope covers; None for a scope with no territory (she sees no dashboard)."""
    if scope.national:
        return NATION
    if scope.region_ids:
        regions = Region.objects.filter(pk__in=scope.region_ids).values_list("code", flat=True)
        # A coordinator who also supervises provinces elsewhere keeps to her regions here: one level per page.
        return Place(Level.REGION, tuple(sorted(regions)))
    if scope.province_ids:
        provinces = Province.objects.filter(pk__in=scope.province_ids).values_list("code", flat=True)
        return Place(Level.PROVINCE, tuple(sorted(provinces)))
    return None


def drill_down(scope_place: Place, *, region: str = "", province: str = "") -> Place | None:
    """The place a drill-down shows, if the scope reaches it: a region (its provinces below) or a province (its
    communes below). None for an area outside the scope or unknown."""
    if province:
        found = Province.objects.filter(code=province).values_list("region__code", flat=True).first()
        if found is None:
            return None
        inside = (
            scope_place.is_nation
            or (scope_place.level == Level.REGION and found in scope_place.codes)
            or (scope_place.level == Level.PROVINCE and province in scope_place.codes)
        )
        return Place(Level.PROVINCE, (province,)) if inside else None
    if region:
        if not Region.objects.filter(code=region).exists():
            return None
        inside = scope_place.is_nation or (scope_place.level == Level.REGION and region in scope_place.codes)
        return Place(Level.REGION, (region,)) if inside else None
    return scope_place


def areas_below(place: Place) -> tuple[str, str, tuple[str, ...] | None]:
    """(level, label's model name, codes) of the areas one level below the place; codes None means all of them
    (the nation's regions, with the unknown area "" among them when some figure has it)."""
    below = BELOW[place.level]
    if place.is_nation:
        return below, "region", None
    if place.level == Level.REGION:
        provinces = Province.objects.filter(region__code__in=place.codes).values_list("code", flat=True)
        return below, "province", tuple(provinces)
    communes = Commune.objects.filter(province__code__in=place.codes).values_list("code", flat=True)
    return below, "commune", tuple(communes)


def _chosen(keys: Sequence[str], dimension: str | None) -> tuple[Indicator, ...]:
    chosen = []
    for key in keys:
        try:
            indicator = registry.indicator(key)
        except KeyError:
            raise IndicatorError(f"No indicator {key!r}.") from None
        if dimension is not None and dimension not in indicator.dimensions:
            raise IndicatorError(f"The indicator {key!r} is not broken down by {dimension!r}.")
        chosen.append(indicator)
    return tuple(chosen)


def _sums(rows, column: str) -> dict[str, dict[str, int]]:
    sums: dict[str, dict[str, int]] = {}
    for key, row, figure in rows.values_list("indicator", column).annotate(total=Sum("figure")).order_by():
        sums.setdefault(row, {})[key] = int(figure)
    return sums


def _table(
    dimension: str, chosen: tuple[Indicator, ...], sums: dict[str, dict[str, int]], totals: dict[str, int]
) -> IndicatorTable:
    keys = [indicator.key for indicator in chosen]
    rows = tuple(sorted(sums))
    return IndicatorTable(
        dimension=dimension,
        indicators=chosen,
        rows=rows,
        values={row: {key: sums[row].get(key, 0) for key in keys} for row in rows},
        totals={key: totals.get(key, 0) for key in keys},
    )


def _place_rows(campaign, place: Place, keys: Collection[str]):
    rows = IndicatorFigure.objects.filter(campaign=campaign, indicator__in=list(keys), level=place.level)
    return rows if place.is_nation else rows.filter(area__in=place.codes)


def place_totals(campaign, place: Place, keys: Sequence[str]) -> dict[str, int]:
    """Each indicator's figure for the whole place (the sum of its areas')."""
    rows = _place_rows(campaign, place, keys).filter(breakdown="")
    totals = {key: 0 for key in keys}
    for key, figure in rows.values_list("indicator").annotate(total=Sum("figure")).order_by():
        totals[key] = int(figure)
    return totals


def table_by_area(campaign, place: Place, keys: Sequence[str]) -> IndicatorTable:
    """The indicators for each area one level below the place (regions of the nation, provinces of a region or of
    her regions, communes of a province or of her provinces), with the place's totals."""
    chosen = _chosen(keys, "commune")
    level, dimension, codes = areas_below(place)
    rows = IndicatorFigure.objects.filter(campaign=campaign, indicator__in=keys, level=level, breakdown="")
    if codes is not None:
        rows = rows.filter(area__in=codes)
    return _table(dimension, chosen, _sums(rows, "area"), place_totals(campaign, place, keys))


def table_by(campaign, place: Place, keys: Sequence[str], dimension: str) -> IndicatorTable:
    """The indicators by another dimension (category, day, kind) over the whole place."""
    chosen = _chosen(keys, dimension)
    territorial = [indicator.key for indicator in chosen if indicator.territorial]
    if not place.is_nation and len(territorial) != len(chosen):
        raise IndicatorError("An indicator without a territory has no figure for a part of the country.")
    rows = _place_rows(campaign, place, keys).filter(breakdown=dimension)
    return _table(dimension, chosen, _sums(rows, "value"), place_totals(campaign, place, keys))


def last_refresh(campaign) -> SummaryRefresh | None:
    return SummaryRefresh.objects.filter(campaign=campaign).first()
