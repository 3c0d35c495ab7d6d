"""Refreshing a campaign's summary tables (bawaba.indicators.models.IndicatorFigure) from the live indicators.

Each territorial indicator is counted once per other dimension at the commune grain (one GROUP BY each: by
commune and category, by commune and day...), then added up here into provinces, regions and the nation, so the
refresh costs one query per indicator and dimension whatever the number of areas. An indicator with no other
dimension is counted by commune alone. Indicators without a territory are counted for the whole campaign and by
each of their dimensions. The figures are counts: any breakdown adds up to its total (the tests check it).

The old figures are replaced in one transaction: a page reads either the last refresh or the one before, never a
mix.
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from bawaba.core.bulk import BulkWriter
from bawaba.core.contributions import Indicator, registry
from bawaba.core.indicator_queries import reading_together
from bawaba.indicators.models import IndicatorFigure, Level, SummaryRefresh
from bawaba.indicators.opendata.build import build_open_data
from bawaba.territory.models import Commune

# (indicator, level, area, breakdown, value) -> figure
Figures = dict[tuple[str, str, str, str, str], int]


def territory_of_communes() -> dict[str, tuple[str, str]]:
    """{commune code: (province code, region code)}; an unknown commune ("") lies in no province nor region."""
    places = {
        code: (province, region)
        for code, province, region in Commune.objects.values_list("code", "province__code", "region__code")
    }
    places[""] = ("", "")
    return places


def _areas(commune: str, places: dict[str, tuple[str, str]]) -> Iterator[tuple[str, str]]:
    province, region = places.get(commune, ("", ""))
    yield Level.NATION, ""
    yield Level.REGION, region
    yield Level.PROVINCE, province


def indicator_figures(campaign, indicator: Indicator, places: dict[str, tuple[str, str]]) -> Figures:
    """One indicator's summary figures for the campaign, every level and breakdown."""
    key = indicator.key
    figures: Figures = defaultdict(int)
    if not indicator.territorial:
        figures[(key, Level.NATION, "", "", "")] = int(indicator.compute(campaign, ())[()])
        for breakdown in indicator.breakdowns:
            for (value,), figure in indicator.compute(campaign, (breakdown,)).items():
                figures[(key, Level.NATION, "", breakdown, value)] += int(figure)
        return figures
    by_commune: dict[str, int] = defaultdict(int)
    for number, breakdown in enumerate(indicator.breakdowns):
        for (commune, value), figure in indicator.compute(campaign, ("commune", breakdown)).items():
            for level, area in _areas(commune, places):
                figures[(key, level, area, breakdown, value)] += int(figure)
            if number == 0:  # each row has one value of the first breakdown: their sum is the commune's total
                by_commune[commune] += int(figure)
    if not indicator.breakdowns:
        for (commune,), figure in indicator.compute(campaign, ("commune",)).items():
            by_commune[commune] += int(figure)
    figures[(key, Level.NATION, "", "", "")] = 0  # present even when nothing was counted
    for commune, figure in by_commune.items():
        figures[(key, Level.COMMUNE, commune, "", "")] += figure
        for level, area in _areas(commune, places):
            figures[(key, level, area, "", "")] += figure
    return figures


def campaign_figures(campaign, indicators: Iterable[Indicator] | None = None) -> Figures:
    places = territory_of_communes()
    figures: Figures = {}
    with reading_together():  # figures that one scan counts together are read once (the e-mails' statuses)
        for indicator in indicators if indicators is not None else registry.indicators_in_order():
            figures.update(indicator_figures(campaign, indicator, places))
    return figures


def refresh_summary(campaign) -> SummaryRefresh:
    """Recompute every registered indicator of the campaign and replace its summary figures; return the refresh
    with its time, duration and number of figures."""
    started = time.monotonic()
    figures = campaign_figures(campaign)
    rows = len(figures)
    keys = list(figures)
    SummaryRefresh.objects.get_or_create(campaign=campaign)
    with transaction.atomic():
        # Two refreshes at once take turns here: the second replaces the first's figures, never adds to them.
        refresh = SummaryRefresh.objects.select_for_update().get(campaign=campaign)
        IndicatorFigure.objects.filter(campaign=campaign).delete()
        BulkWriter(connection).insert(
            IndicatorFigure,
            {
                "campaign": campaign.pk,
                "indicator": [key[0] for key in keys],
                "level": [str(key[1]) for key in keys],
                "area": [key[2] for key in keys],
                "breakdown": [key[3] for key in keys],
                "value": [key[4] for key in keys],
                "figure": list(figures.values()),
            },
            rows=rows,
        )
        if connection.vendor == "postgresql":
            # The table was just rewritten: without fresh statistics the planner reads a supervisor's communes
            # through the whole campaign's rows (100 ms a query instead of 0.3 ms, measured at national scale).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {IndicatorFigure._meta.db_table}")  # noqa: S608 - the model's own table
        refresh.refreshed_at = timezone.now()
        refresh.duration_ms = int((time.monotonic() - started) * 1000)
        refresh.figures = rows
        refresh.generation += 1
        refresh.requested_at = None
        refresh.save()
        # The open data is suppressed now, from these figures, so that its pages serve it as built.
        build_open_data(campaign)
    return refresh
