"""The dashboard's description (bawaba.indicators.dashboard), without a database: which indicators a section shows,
how its lines are ordered and completed, its percentages, its chart in both directions and its rows in the files."""

import datetime as dt

import pytest

from bawaba.core.charts import BarChart, DailyChart
from bawaba.core.contributions import TERRITORY, Indicator
from bawaba.indicators import dashboard
from bawaba.indicators.dashboard import (
    AREA,
    SECTIONS,
    Crumb,
    Dashboard,
    build_section,
    export_rows,
    section_chart,
    shown_keys,
    window_days,
)
from bawaba.indicators.tables import IndicatorTable


def indicator(key: str, dimensions: tuple[str, ...] = TERRITORY) -> Indicator:
    return Indicator(
        key=key, name=key, definition=f"{key}.", unit="u", dimensions=dimensions, compute=lambda c, by: {}
    )


def spec(key: str) -> dashboard.SectionSpec:
    return next(section for section in SECTIONS if section.key == key)


def table(dimension: str, keys: list[str], values: dict[str, dict[str, int]]) -> IndicatorTable:
    return IndicatorTable(
        dimension=dimension,
        indicators=tuple(indicator(key) for key in keys),
        rows=tuple(sorted(values)),
        values=values,
        totals={key: sum(row[key] for row in values.values()) for key in keys},
    )


def test_a_section_shows_the_registered_and_counted_indicators_it_can_read_at_the_place():
    registered = {
        "campaigns.candidates": indicator("campaigns.candidates", (*TERRITORY, "category", "day")),
        "campaigns.training_needs": indicator("campaigns.training_needs"),
        "emails.sent": indicator("emails.sent", ("kind",)),  # no territory
        "emails.failed": indicator("emails.failed", (*TERRITORY, "kind")),
    }
    counted = set(registered)
    candidacies = spec("candidacies")
    assert shown_keys(candidacies, registered, counted, nation=True) == (
        "campaigns.candidates",
        "campaigns.training_needs",
    )
    # Registered after the last refresh: not counted yet, not shown (never as zeros).
    assert shown_keys(candidacies, registered, {"campaigns.candidates"}, nation=True) == (
        "campaigns.candidates",
    )
    # Not registered at all (a stage app not there yet): skipped.
    assert shown_keys(spec("documents"), registered, counted, nation=True) == ()
    # Without a territory: the whole country only.
    assert shown_keys(spec("emails"), registered, counted, nation=True) == ("emails.sent", "emails.failed")
    assert shown_keys(spec("emails"), registered, counted, nation=False) == ("emails.failed",)
    # A section by category needs the breakdown.
    assert (
        shown_keys(
            spec("categories"),
            {"campaigns.candidates": indicator("campaigns.candidates")},
            counted,
            nation=True,
        )
        == ()
    )


def test_areas_come_largest_first_with_the_unknown_area_last_and_a_ratio_each():
    keys = ["campaigns.candidates", "campaigns.training_needs"]
    values = {
        "01": {keys[0]: 5, keys[1]: 2},
        "02": {keys[0]: 9, keys[1]: 0},
        "03": {keys[0]: 5, keys[1]: 4},
        "": {keys[0]: 30, keys[1]: 0},
    }
    registered = {key: indicator(key) for key in keys}
    section = build_section(
        spec("candidacies"),
        table("region", keys, values),
        registered,
        dimension="region",
        labels={"01": "One"},
    )
    assert [line.code for line in section.lines] == ["02", "01", "03", ""]
    assert [line.percent for line in section.lines] == [None, 250, 125, None]  # nothing to divide by: None
    assert [line.drill for line in section.lines] == ["region", "region", "region", ""]
    assert section.lines[1].label == "One" and section.lines[0].label == "02"
    assert section.totals == (49, 6) and section.total_percent == 817
    communes = build_section(
        spec("candidacies"), table("commune", keys, values), registered, dimension="commune", labels={}
    )
    assert {line.drill for line in communes.lines} == {""}


def test_a_percentage_needs_both_its_figures():
    keys = ["campaigns.candidates"]
    registered = {key: indicator(key) for key in keys}
    section = build_section(
        spec("candidacies"),
        table("region", keys, {"01": {keys[0]: 3}}),
        registered,
        dimension="region",
        labels={},
    )
    assert section.percent is None and section.lines[0].percent is None


def test_the_days_of_the_window_without_any_are_lines_of_zero():
    window = (dt.date(2024, 2, 7), dt.date(2024, 2, 10))
    assert window_days({"2024-02-08", "2024-02-12"}, window) == [
        "2024-02-07", "2024-02-08", "2024-02-09", "2024-02-10", "2024-02-11", "2024-02-12",
    ]  # fmt: skip
    assert window_days({"", "2024-02-07"}, None) == ["2024-02-07", ""]
    assert window_days(set(), None) == []


def test_categories_keep_the_given_order_and_their_shares_add_up():
    key = "campaigns.candidates"
    values = {"student": {key: 29}, "graduate": {key: 42}, "other": {key: 19}, "": {key: 10}}
    section = build_section(
        spec("categories"),
        table("category", [key], values),
        {key: indicator(key)},
        dimension="category",
        labels={},
        category_order=["graduate", "student"],
    )
    assert [line.code for line in section.lines] == ["graduate", "student", "other", ""]
    assert [line.percent for line in section.lines] == [42, 29, 19, 10]


@pytest.mark.parametrize("rtl", [False, True])
def test_each_chart_holds_the_sections_figures_mirrored_right_to_left(rtl):
    keys = ["campaigns.candidates", "campaigns.training_needs"]
    values = {"01": {keys[0]: 8, keys[1]: 2}, "02": {keys[0]: 4, keys[1]: 1}}
    registered = {key: indicator(key) for key in keys}
    section = build_section(
        spec("candidacies"), table("region", keys, values), registered, dimension="region", labels={}
    )
    chart = section_chart(section, rtl=rtl)
    assert isinstance(chart, BarChart)
    assert [[bar.value for bar in row.bars] for row in chart.rows] == [[8, 2], [4, 1]]
    longest = chart.rows[0].bars[0]
    # Left to right a bar starts at the left edge; right to left it ends at the right edge.
    if rtl:
        assert longest.x + longest.width == pytest.approx(dashboard.CHART_WIDTH - 8) and chart.anchor == "end"
    else:
        assert longest.x == 8 and chart.anchor == "start"

    days = build_section(
        spec("registrations"),
        table("day", ["campaigns.candidates"], {"2024-02-07": {keys[0]: 3}}),
        registered,
        dimension="day",
        labels={},
        window=(dt.date(2024, 2, 7), dt.date(2024, 2, 8)),
    )
    daily = section_chart(days, rtl=rtl)
    assert isinstance(daily, DailyChart) and [bar.count for bar in daily.bars] == [3, 0]
    assert (daily.bars[0].x > daily.bars[1].x) is rtl


def test_the_files_hold_every_line_figure_and_percentage_then_the_totals():
    keys = ["campaigns.candidates", "campaigns.training_needs"]
    values = {"01": {keys[0]: 6, keys[1]: 4}}
    registered = {key: indicator(key) for key in keys}
    section = build_section(
        spec("candidacies"),
        table("region", keys, values),
        registered,
        dimension="region",
        labels={"01": "One"},
    )
    board = Dashboard(
        campaign=None,
        place_label="Whole country",
        place_code="",
        query="",
        trail=(Crumb("Whole country", ""),),
        refreshed_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
        sections=(section,),
    )
    ratio, name = (
        "ratio:campaigns.candidates/campaigns.training_needs",
        str(spec("candidacies").percent.label),
    )
    assert list(export_rows(board, total_label="Total")) == [
        ("candidacies", "region", "01", "One", keys[0], keys[0], 6),
        ("candidacies", "region", "01", "One", keys[1], keys[1], 4),
        ("candidacies", "region", "01", "One", ratio, name, 150),
        ("candidacies", "total", "", "Total", keys[0], keys[0], 6),
        ("candidacies", "total", "", "Total", keys[1], keys[1], 4),
        ("candidacies", "total", "", "Total", ratio, name, 150),
    ]


def test_every_section_is_by_a_known_dimension_and_keys_are_unique():
    for section in SECTIONS:
        assert section.by in (AREA, "category", "day", "kind")
        assert len(set(section.keys)) == len(section.keys)
        if section.percent is not None:
            assert set(section.percent.keys()) <= set(section.keys)
    assert len({section.key for section in SECTIONS}) == len(SECTIONS)
