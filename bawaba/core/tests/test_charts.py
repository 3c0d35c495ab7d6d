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
    # The legend cannot carry style="" (Content-Security-Policy): each colour needs its class in bawaba.css.
    from pathlib import Path

    from bawaba.core import charts

    css = (Path(__file__).resolve().parents[1] / "static/core/bawaba.css").read_text()
    for colour in charts.SERIES_COLORS:
        assert f".chart-legend__swatch--{colour[1:]} {{ background: {colour}; }}" in css


def test_a_right_to_left_daily_chart_is_the_mirror_of_the_left_to_right_one():
    from bawaba.core.charts import WIDTH

    counts = [(dt.date(2024, 2, 7), 10), (dt.date(2024, 2, 8), 5), (dt.date(2024, 2, 9), 0)]
    ltr, rtl = daily_bar_chart(counts), daily_bar_chart(counts, rtl=True)
    # The first day stands on the right, the last on the left; heights, values and labels are the same.
    assert rtl.bars[0].x > rtl.bars[-1].x and ltr.bars[0].x < ltr.bars[-1].x
    for left, right in zip(ltr.bars, rtl.bars, strict=True):
        assert right.x + right.width == pytest.approx(WIDTH - left.x)
        assert right.label_x == pytest.approx(WIDTH - left.label_x)
        assert (right.y, right.height, right.count, right.day) == (left.y, left.height, left.count, left.day)
    # The value axis's labels sit after the plot's right edge, starting there.
    assert (ltr.tick_anchor, rtl.tick_anchor) == ("end", "start")
    assert ltr.tick_label_x < ltr.plot_start and rtl.tick_label_x > rtl.plot_end
    assert min(bar.x for bar in rtl.bars) >= rtl.plot_start
    assert max(bar.x + bar.width for bar in rtl.bars) <= rtl.plot_end
