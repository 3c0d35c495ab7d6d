"""Reads of the indicator layer: a campaign's summary figures for a staff member's scope, by area or by another
dimension, with the time of their last refresh.

A scope reads at its own level: the nation for a central administrator, her regions for a coordinator, her
provinces for a supervisor. Its figures are the sum of its areas' (the summary tables hold each area's counts), and
its table by area goes one level down (regions, provinces, communes). A drill-down into an area outside the scope
finds nothing, exactly like an area that does not exist.
"""

from collections.abc import Collection, Sequence
from dataclasses import dataclass

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


@dataclass(frozen=True)
class PlaceFigures:
    """Every summary figure a page shows at a place, read in two queries whatever the number of its tables: the
    place's own figures in all and by each breakdown (added up over its areas), and the figures in all of each area
    one level below. The tables are then put together from these in memory."""

    place: Place
    below: str  # what the areas below are: "region", "province" or "commune"
    own: dict[tuple[str, str], dict[str, int]]  # {(breakdown, value): {indicator: figure}}; ("", "") in all
    areas: dict[str, dict[str, int]]  # {area code below: {indicator: figure}}

    def totals(self, keys: Sequence[str]) -> dict[str, int]:
        """Each indicator's figure for the whole place (the sum of its areas')."""
        own = self.own.get(("", ""), {})
        return {key: own.get(key, 0) for key in keys}

    def table_by_area(self, keys: Sequence[str]) -> IndicatorTable:
        """The indicators for each area one level below the place, with the place's totals."""
        chosen = _chosen(keys, "commune")
        wanted = set(keys)
        sums = {
            area: {key: figure for key, figure in figures.items() if key in wanted}
            for area, figures in self.areas.items()
            if wanted.intersection(figures)
        }
        return _table(self.below, chosen, sums, self.totals(keys))

    def table_by(self, keys: Sequence[str], dimension: str) -> IndicatorTable:
        """The indicators by another dimension (category, day, kind) over the whole place."""
        chosen = _chosen(keys, dimension)
        if not self.place.is_nation and not all(indicator.territorial for indicator in chosen):
            raise IndicatorError("An indicator without a territory has no figure for a part of the country.")
        wanted = set(keys)
        sums: dict[str, dict[str, int]] = {}
        for (breakdown, value), figures in self.own.items():
            if breakdown == dimension and wanted.intersection(figures):
                sums[value] = {key: figure for key, figure in figures.items() if key in wanted}
        return _table(dimension, chosen, sums, self.totals(keys))


def place_figures(campaign, place: Place, keys: Collection[str]) -> PlaceFigures:
    """The figures of the indicators `keys` at the place and one level below it (PlaceFigures)."""
    keys = list(keys)
    own: dict[tuple[str, str], dict[str, int]] = {}
    mine = IndicatorFigure.objects.filter(campaign=campaign, indicator__in=keys, level=place.level)
    if not place.is_nation:
        mine = mine.filter(area__in=place.codes)
    # A place of several areas (her provinces) adds them up here: a few hundred rows at most per area.
    for key, breakdown, value, figure in mine.values_list("indicator", "breakdown", "value", "figure"):
        figures = own.setdefault((breakdown, value), {})
        figures[key] = figures.get(key, 0) + figure
    level, dimension, codes = areas_below(place)
    below = IndicatorFigure.objects.filter(campaign=campaign, indicator__in=keys, level=level, breakdown="")
    if codes is not None:
        below = below.filter(area__in=codes)
    areas: dict[str, dict[str, int]] = {}
    for key, area, figure in below.values_list("indicator", "area", "figure"):
        figures = areas.setdefault(area, {})
        figures[key] = figures.get(key, 0) + figure
    return PlaceFigures(place=place, below=dimension, own=own, areas=areas)


def place_totals(campaign, place: Place, keys: Sequence[str]) -> dict[str, int]:
    """Each indicator's figure for the whole place (the sum of its areas')."""
    return place_figures(campaign, place, keys).totals(keys)


def table_by_area(campaign, place: Place, keys: Sequence[str]) -> IndicatorTable:
    """The indicators for each area one level below the place (regions of the nation, provinces of a region or of
    her regions, communes of a province or of her provinces), with the place's totals."""
    return place_figures(campaign, place, keys).table_by_area(keys)


def table_by(campaign, place: Place, keys: Sequence[str], dimension: str) -> IndicatorTable:
    """The indicators by another dimension (category, day, kind) over the whole place."""
    return place_figures(campaign, place, keys).table_by(keys, dimension)


def last_refresh(campaign) -> SummaryRefresh | None:
    return SummaryRefresh.objects.filter(campaign=campaign).first()
