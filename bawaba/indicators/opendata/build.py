"""Building a campaign's open-data release from its summary figures (IndicatorFigure, never the live data).

What is published, for every registered indicator: its national figure; by region, by province within each
region and by commune within each province (a territorial indicator); by each of its other dimensions (category,
day, kind) for the nation. Every table comes with its total, and every level is published at once, so an
indicator's tables are nested lists sharing their totals: they are suppressed together
(bawaba.indicators.nested_suppression), below the campaign's threshold (OpenDataPolicy, 5 without one).

Suppression takes a while at national scale: it runs here, when the summary is refreshed (refresh_summary) or the
threshold changes (services.set_open_data_threshold), and the pages serve the stored JSON text.
"""

import json
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation

from bawaba.campaigns.models import Application
from bawaba.core.contributions import TERRITORY, Indicator, registry
from bawaba.indicators.models import (
    IndicatorFigure,
    Level,
    OpenDataPolicy,
    OpenDataRelease,
    SummaryRefresh,
)
from bawaba.indicators.nested_suppression import Cell, NestingError, link_patterns, suppress_nested
from bawaba.indicators.suppression import DEFAULT_THRESHOLD
from bawaba.territory.models import Commune, Province, Region

logger = logging.getLogger(__name__)

# Needs count posts, not people: the number of trainees or field agents the administration plans for a commune
# says nothing about anyone, and the selection's public report already publishes them commune by commune. They are
# published in full.
EXEMPT = frozenset({"campaigns.training_needs", "campaigns.field_needs"})

# Indicators that are sums of each other, so that a reader adds their published figures: the documents' examined
# files are the accepted plus the rejected ones, the uploaded ones the examined plus those under examination
# (bawaba/documents/figures.py). Each group is suppressed alike wherever one member is (nested_suppression).
LINKED: tuple[tuple[str, ...], ...] = (
    (
        "documents.uploaded",
        "documents.examined",
        "documents.accepted",
        "documents.rejected",
        "documents.under_examination",
    ),
)

BREAKDOWNS = ("category", "day", "kind")
# The levels as plain strings: the build names tens of thousands of cells with them (an enum member's value is a
# descriptor call each time).
NATION_LEVEL: str = Level.NATION.value
REGION: str = Level.REGION.value
PROVINCE: str = Level.PROVINCE.value
COMMUNE: str = Level.COMMUNE.value
NATION: tuple[str, str] = (NATION_LEVEL, "")

# (level, area, breakdown, value) -> figure, for one indicator
Figures = dict[tuple[str, str, str, str], int]


@dataclass(frozen=True)
class Areas:
    """The territory as the tables list it: every region, province and commune (zeros are published), and the
    unknown area "" where some figure has it (a candidate without a residence commune)."""

    names: dict[tuple[str, str], tuple[str, str]]  # (level, code) -> (Arabic, French)
    regions: list[str]
    provinces: dict[str, list[str]]  # by region
    communes: dict[str, list[str]]  # by province


def _areas(codes_in_figures: Mapping[str, set[str]]) -> Areas:
    names: dict[tuple[str, str], tuple[str, str]] = {}
    region_of: dict[str, str] = {}
    province_of: dict[str, str] = {}
    for code, name_ar, name_fr in Region.objects.values_list("code", "name_ar", "name_fr"):
        names[(REGION, code)] = (name_ar, name_fr)
    for code, region, name_ar, name_fr in Province.objects.values_list(
        "code", "region__code", "name_ar", "name_fr"
    ):
        names[(PROVINCE, code)] = (name_ar, name_fr)
        region_of[code] = region
    for code, province, name_ar, name_fr in Commune.objects.values_list(
        "code", "province__code", "name_ar", "name_fr"
    ):
        names[(COMMUNE, code)] = (name_ar, name_fr)
        province_of[code] = province
    # Codes the territory does not know lie in the unknown province and region, as the refresh counted them.
    communes = set(province_of) | codes_in_figures.get(COMMUNE, set())
    provinces = set(region_of) | {province_of.get(code, "") for code in communes}
    provinces |= codes_in_figures.get(PROVINCE, set())
    regions = {code for (level, code) in names if level == REGION}
    regions |= {region_of.get(code, "") for code in provinces} | codes_in_figures.get(REGION, set())
    by_region: dict[str, list[str]] = defaultdict(list)
    for code in sorted(provinces):
        by_region[region_of.get(code, "")].append(code)
    by_province: dict[str, list[str]] = defaultdict(list)
    for code in sorted(communes):
        by_province[province_of.get(code, "")].append(code)
    return Areas(
        names=names,
        regions=sorted(regions),
        provinces={region: by_region.get(region, []) for region in sorted(regions)},
        communes={province: by_province.get(province, []) for province in sorted(provinces)},
    )


def _indicator_lists(
    indicator: Indicator, figures: Figures, areas: Areas, breakdown_values: Mapping[str, list[str]]
) -> tuple[dict[Cell, int], list[tuple[Cell, tuple[Cell, ...]]]]:
    """An indicator's cells and the nested lists they form (nested_suppression's input)."""

    def figure(level: str, area: str = "", breakdown: str = "", value: str = "") -> int:
        return figures.get((level, area, breakdown, value), 0)

    values: dict[Cell, int] = {NATION: figure(NATION_LEVEL)}
    lists: list[tuple[Cell, tuple[Cell, ...]]] = []
    if indicator.territorial:
        lists.append((NATION, tuple((REGION, code) for code in areas.regions)))
        for region in areas.regions:
            values[(REGION, region)] = figure(REGION, region)
            provinces = areas.provinces[region]
            lists.append(((REGION, region), tuple((PROVINCE, code) for code in provinces)))
            for province in provinces:
                values[(PROVINCE, province)] = figure(PROVINCE, province)
                communes = areas.communes[province]
                lists.append(((PROVINCE, province), tuple((COMMUNE, code) for code in communes)))
                for commune in communes:
                    values[(COMMUNE, commune)] = figure(COMMUNE, commune)
    for breakdown in indicator.breakdowns:
        cells = tuple((breakdown, value) for value in breakdown_values[breakdown])
        for cell in cells:
            values[cell] = figure(NATION_LEVEL, "", *cell)
        lists.append((NATION, cells))
    return values, lists


def _breakdown_names(dimension: str, values: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Names of a dimension's values in Arabic and French, where it has some (categories, e-mail kinds)."""
    labels: dict[str, Any] = {}
    if dimension == "category":
        labels = {str(value): label for value, label in Application.Category.choices}
    elif dimension == "kind":
        labels = {key: kind.label for key, kind in registry.email_kinds.items()}
    names = {}
    for value in values:
        label = labels.get(value)
        if label is None:
            continue
        with translation.override("ar"):
            arabic = str(label)
        with translation.override("fr"):
            french = str(label)
        names[value] = (arabic, french)
    return names


def _table(
    dimension: str,
    parent: tuple[str, str],
    codes: Sequence[str],
    keys: Sequence[str],
    shown: Mapping[str, Mapping[Cell, int | None]],
    names: Mapping[str, tuple[str, str]],
) -> dict[str, Any]:
    rows = []
    for code in codes:
        name_ar, name_fr = names.get(code, ("", ""))
        rows.append(
            {
                "code": code,
                "name_ar": name_ar,
                "name_fr": name_fr,
                "values": {key: shown[key].get((dimension, code), 0) for key in keys},
            }
        )
    return {
        "dimension": dimension,
        "parent": {"dimension": parent[0], "code": parent[1]},
        "keys": list(keys),
        "rows": rows,
        "total": {key: shown[key].get(parent, 0) for key in keys},
    }


def release_payload(campaign, *, refreshed_at, threshold: int) -> tuple[dict[str, Any], int]:
    """The release's content (JSON-ready) and how many counts it suppresses. No personal data: counts per area
    and per category, day or kind, and the names of areas and categories."""
    indicators = list(registry.indicators_in_order())
    figures: dict[str, Figures] = {indicator.key: {} for indicator in indicators}
    codes_in_figures: dict[str, set[str]] = defaultdict(set)
    breakdown_sets: dict[str, set[str]] = defaultdict(set)
    rows = IndicatorFigure.objects.filter(campaign=campaign, indicator__in=list(figures)).values_list(
        "indicator", "level", "area", "breakdown", "value", "figure"
    )
    for key, level, area, breakdown, value, figure in rows.iterator(chunk_size=5000):
        figures[key][(level, area, breakdown, value)] = int(figure)
        if level in TERRITORY and not breakdown:
            codes_in_figures[level].add(area)
        if level == NATION_LEVEL and breakdown:
            breakdown_sets[breakdown].add(value)
    areas = _areas(codes_in_figures)
    breakdown_values = {dimension: sorted(breakdown_sets[dimension]) for dimension in BREAKDOWNS}

    values: dict[str, dict[Cell, int]] = {}
    hidden: dict[str, set[Cell]] = {}
    published: list[Indicator] = []
    for indicator in indicators:
        cells, lists = _indicator_lists(indicator, figures[indicator.key], areas, breakdown_values)
        try:
            result = suppress_nested(cells, lists, threshold=threshold)
        except NestingError as error:
            # Figures that do not add up (the territory changed since the refresh): publish nothing of it.
            logger.warning("Open data of %s: %s left out (%s).", campaign.slug, indicator.key, error)
            continue
        values[indicator.key] = cells
        hidden[indicator.key] = set() if indicator.key in EXEMPT else set(result.hidden)
        published.append(indicator)
    hidden = link_patterns(hidden, LINKED)
    shown = {
        key: {cell: None if cell in hidden[key] else value for cell, value in cells.items()}
        for key, cells in values.items()
    }

    area_names = {
        level: {code: name for (named_level, code), name in areas.names.items() if named_level == level}
        for level in TERRITORY
    }
    territorial = [indicator.key for indicator in published if indicator.territorial]
    tables: list[dict[str, Any]] = []
    if territorial:
        tables.append(_table(REGION, NATION, areas.regions, territorial, shown, area_names[REGION]))
    for dimension in BREAKDOWNS:
        keys = [indicator.key for indicator in published if dimension in indicator.breakdowns]
        if keys:
            codes = breakdown_values[dimension]
            names = _breakdown_names(dimension, codes)
            tables.append(_table(dimension, NATION, codes, keys, shown, names))
    if territorial:
        for region in areas.regions:
            tables.append(
                _table(
                    PROVINCE,
                    (REGION, region),
                    areas.provinces[region],
                    territorial,
                    shown,
                    area_names[PROVINCE],
                )
            )
        for province in sorted(areas.communes):
            tables.append(
                _table(
                    COMMUNE,
                    (PROVINCE, province),
                    areas.communes[province],
                    territorial,
                    shown,
                    area_names[COMMUNE],
                )
            )
    payload = {
        "campaign": campaign.slug,
        "title_ar": campaign.title_ar,
        "title_fr": campaign.title_fr,
        "refreshed_at": refreshed_at.isoformat(),
        "threshold": threshold,
        "keys": [indicator.key for indicator in published],
        "exempt": [indicator.key for indicator in published if indicator.key in EXEMPT],
        "totals": {indicator.key: shown[indicator.key][NATION] for indicator in published},
        "tables": tables,
    }
    return payload, sum(len(cells) for cells in hidden.values())


def campaign_threshold(campaign) -> int:
    policy = OpenDataPolicy.objects.filter(campaign=campaign).only("threshold").first()
    return policy.threshold if policy is not None else DEFAULT_THRESHOLD


def build_open_data(campaign) -> OpenDataRelease | None:
    """Build (or rebuild) the campaign's open-data release from its last refreshed figures; None, and no release,
    while it has none."""
    refresh = SummaryRefresh.objects.filter(campaign=campaign).only("refreshed_at").first()
    if refresh is None or refresh.refreshed_at is None:
        OpenDataRelease.objects.filter(campaign=campaign).delete()
        return None
    threshold = campaign_threshold(campaign)
    payload, suppressed = release_payload(campaign, refreshed_at=refresh.refreshed_at, threshold=threshold)
    built_at = timezone.now()
    payload["built_at"] = built_at.isoformat()
    release, _ = OpenDataRelease.objects.update_or_create(
        campaign=campaign,
        defaults={
            "built_at": built_at,
            "refreshed_at": refresh.refreshed_at,
            "threshold": threshold,
            "suppressed": suppressed,
            "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
        },
    )
    return release
