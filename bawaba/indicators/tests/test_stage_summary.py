"""Every stage's indicators registered under the fixed keys (docs: the indicator layer's list), and the summary
refresh with all of them on a campaign that went through every stage: each indicator's figures at every level and
by every breakdown are its live figures, added up."""

from collections import defaultdict

from bawaba.core.contributions import registry
from bawaba.indicators.models import IndicatorFigure, Level
from bawaba.indicators.refresh import refresh_summary
from bawaba.territory.models import Commune

# The fixed keys the dashboard, the open data and the stage apps agree on.
KEYS = {
    "campaigns.candidates",
    "campaigns.training_needs",
    "campaigns.field_needs",
    "selection.preselected",
    "selection.waiting",
    "selection.promoted",
    "training.invited",
    "training.accepted",
    "training.declined",
    "training.started",
    "training.completed",
    "documents.uploaded",
    "documents.examined",
    "documents.accepted",
    "documents.rejected",
    "documents.under_examination",
    "interviews.convoked",
    "interviews.present",
    "interviews.absent",
    "interviews.final_selected",
    "interviews.final_reserve",
    "fieldwork.assigned",
    "emails.sent",
    "emails.waiting",
    "emails.failed",
}


def test_every_key_of_the_list_is_registered_territorial_with_a_translated_definition():
    assert set(registry.indicators) == KEYS
    for key in KEYS:
        indicator = registry.indicator(key)
        assert indicator.territorial, key
        assert ("kind" in indicator.breakdowns) == key.startswith("emails."), key
        assert str(indicator.definition) and str(indicator.name) and str(indicator.unit)


def test_the_refresh_writes_each_indicators_live_figures_at_every_level(every_stage):
    refresh = refresh_summary(every_stage)
    assert refresh.figures == IndicatorFigure.objects.filter(campaign=every_stage).count()
    figures = defaultdict(dict)
    for row in IndicatorFigure.objects.filter(campaign=every_stage):
        figures[row.indicator][(row.level, row.area, row.breakdown, row.value)] = row.figure
    regions = dict(Commune.objects.values_list("code", "region__code"))
    regions[""] = ""
    for indicator in registry.indicators_in_order():
        mine = figures[indicator.key]
        total = indicator.compute(every_stage, ())[()]
        assert mine[(Level.NATION, "", "", "")] == total, indicator.key
        assert total > 0, f"{indicator.key}: nothing to refresh in the test data"
        for breakdown in indicator.breakdowns:
            live = {
                value: figure for (value,), figure in indicator.compute(every_stage, (breakdown,)).items()
            }
            written = {
                value: figure
                for (level, _area, name, value), figure in mine.items()
                if level == Level.NATION and name == breakdown
            }
            assert written == live, (indicator.key, breakdown)
        if indicator.territorial:
            by_region = defaultdict(int)
            for (commune,), figure in indicator.compute(every_stage, ("commune",)).items():
                by_region[regions[commune]] += figure
            written_regions = {
                area: figure
                for (level, area, name, _value), figure in mine.items()
                if level == Level.REGION and name == ""
            }
            assert written_regions == dict(by_region), indicator.key
            communes = [
                f for (level, _a, name, _v), f in mine.items() if level == Level.COMMUNE and name == ""
            ]
            assert sum(communes) == total, indicator.key
