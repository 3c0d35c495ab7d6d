import datetime as dt

import pytest

from bawaba.core.charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    MAX_BAR_WIDTH,
    daily_bar_chart,
    every_day,
    value_axis,
)


def test_days_without_any_are_filled_with_zero():
    counts = [(dt.date(2024, 2, 7), 3), (dt.date(2024, 2, 10), 1)]
    assert every_day(counts) == [
        (dt.date(2024, 2, 7), 3),
        (dt.date(2024, 2, 8), 0),
        (dt.date(2024, 2, 9), 0),
        (dt.date(2024, 2, 10), 1),
    ]
    assert every_day([]) == []


@pytest.mark.parametrize(
    ("largest", "top", "step"),
    [
        (0, 1, 1),
        (1, 1, 1),
        (3, 3, 1),
        (7, 8, 2),
        (10, 10, 5),
        (21, 30, 10),
        (2_600, 3_000, 1_000),
        (75_042, 80_000, 20_000),
    ],
)
def test_the_value_axis_has_round_steps_just_above_the_largest_value(largest, top, step):
    assert value_axis(largest) == (top, step)


def test_bars_are_proportional_and_sit_on_the_baseline():
    chart = daily_bar_chart([(dt.date(2024, 2, 7), 10), (dt.date(2024, 2, 8), 5)])
    tall, short = chart.bars
    assert tall.height == pytest.approx(2 * short.height)
    assert tall.y + tall.height == pytest.approx(HEIGHT - MARGIN_BOTTOM)
    assert (chart.total, chart.peak_day, chart.peak_count) == (15, dt.date(2024, 2, 7), 10)
    assert [tick.value for tick in chart.ticks] == [0, 5, 10]
    assert tall.width <= MAX_BAR_WIDTH


def test_every_chart_colour_has_its_legend_class():
    # The legend cannot carry style="" (Content-Security-Policy): each colour needs its class in report.css.
    from pathlib import Path

    from bawaba.core import charts

    css = (Path(__file__).resolve().parents[2] / "selection/static/selection/report.css").read_text()
    for colour in (charts.NEEDS_COLOR, charts.ADMITTED_COLOR):
        assert f".report-legend__swatch--{colour[1:]} {{ background: {colour}; }}" in css
