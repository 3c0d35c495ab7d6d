"""The one chart module: server-rendered SVG bar charts, the geometry computed here so that the templates only
draw it (core/includes/daily_chart.html, core/includes/bar_chart.html). No JavaScript, and every chart sits next to
a table of the same figures for anyone who cannot see it.

* `daily_bar_chart`: vertical bars, one per day (applications submitted per day);
* `bar_chart`: horizontal bars, one group per row and one bar per series (a selection report's regions).

Both are mirrored for right-to-left pages when asked (`rtl`): an Arabic reader reads a time axis from right to left
as she reads the text, so the first day stands on the right and the value axis with it, and bars grow leftwards.
The SVG itself stays `dir="ltr"`: its coordinates are computed here, not left to the text direction.
"""

import dataclasses
import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 300
MARGIN_START = 56  # room for the value labels
MARGIN_END = 8
MARGIN_TOP = 12
MARGIN_BOTTOM = 36  # room for the day labels
MAX_DAY_LABELS = 10
MAX_BAR_WIDTH = 48


@dataclass(frozen=True)
class Bar:
    day: dt.date
    count: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    show_label: bool


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class DailyChart:
    days: list[tuple[dt.date, int]]  # every day from the first to the last, zero days included
    bars: list[Bar]
    ticks: list[Tick]
    total: int
    peak_day: dt.date | None
    peak_count: int
    width: int = WIDTH
    height: int = HEIGHT
    plot_start: int = MARGIN_START
    plot_end: int = WIDTH - MARGIN_END
    baseline: int = HEIGHT - MARGIN_BOTTOM
    label_y: int = HEIGHT - MARGIN_BOTTOM + 20
    # Where the value axis's labels stand: before the plot, on the left (LTR) or on the right (RTL).
    tick_label_x: int = MARGIN_START - 6
    tick_anchor: str = "end"

    @property
    def first_day(self) -> dt.date | None:
        return self.days[0][0] if self.days else None

    @property
    def last_day(self) -> dt.date | None:
        return self.days[-1][0] if self.days else None


def every_day(counts: Iterable[tuple[dt.date, int]]) -> list[tuple[dt.date, int]]:
    """The counts with the days between them that had none filled in with zero: a chart must not hide gaps."""
    by_day = dict(counts)
    if not by_day:
        return []
    first, last = min(by_day), max(by_day)
    return [
        (first + dt.timedelta(days=i), by_day.get(first + dt.timedelta(days=i), 0))
        for i in range((last - first).days + 1)
    ]


def value_axis(largest: int, *, steps: int = 4) -> tuple[int, int]:
    """(top, step) of a value axis for counts: a round step (1, 2, 2.5 or 5 × 10^k, whole) about a quarter
    of the largest value, and the first multiple of it at or above the largest value."""
    if largest <= 0:
        return 1, 1
    wanted = largest / steps
    magnitude = 10 ** max(0, math.floor(math.log10(wanted))) if wanted >= 1 else 1
    step = next(
        int(m * magnitude)
        for m in (1, 2, 2.5, 5, 10)
        if m * magnitude >= wanted and float(m * magnitude).is_integer()
    )
    return math.ceil(largest / step) * step, step


def daily_bar_chart(
    counts: Iterable[tuple[dt.date, int]], *, rtl: bool = False, chart_width: int = WIDTH
) -> DailyChart:
    """Bars for counts per day; a few days get a label below their bar, evenly spaced. Mirrored when `rtl`: the
    first day on the right, the value axis on the right. A narrower `chart_width` keeps the labels readable where
    the chart shares the width with a table (its text is scaled with it)."""
    days = every_day(counts)
    top, step = value_axis(max((count for _, count in days), default=0))
    plot_width = chart_width - MARGIN_START - MARGIN_END
    plot_height = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    baseline = HEIGHT - MARGIN_BOTTOM
    slot = plot_width / max(len(days), 1)
    width = min(max(slot * 0.8, 1.0), MAX_BAR_WIDTH)  # a campaign of a few days gets bars, not blocks
    label_every = max(1, math.ceil(len(days) / MAX_DAY_LABELS))
    bars = []
    for i, (day, count) in enumerate(days):
        height = plot_height * count / top
        x = MARGIN_START + i * slot
        bars.append(
            Bar(
                day=day,
                count=count,
                x=round(x + (slot - width) / 2, 2),
                y=round(baseline - height, 2),
                width=round(width, 2),
                height=round(height, 2),
                label_x=round(x + slot / 2, 2),
                show_label=i % label_every == 0,
            )
        )
    ticks = [
        Tick(value=value, y=round(baseline - plot_height * value / top, 2))
        for value in range(0, top + 1, step)
    ]
    peak_day, peak_count = max(days, key=lambda item: item[1]) if days else (None, 0)
    chart = DailyChart(
        days=days,
        bars=bars,
        ticks=ticks,
        total=sum(count for _, count in days),
        peak_day=peak_day,
        peak_count=peak_count,
        width=chart_width,
        plot_end=chart_width - MARGIN_END,
    )
    return _mirrored(chart) if rtl else chart


def _mirrored(chart: DailyChart) -> DailyChart:
    """The chart seen in a mirror: every x becomes width - x (a bar's left edge is then its right one)."""
    width = chart.width
    bars = [
        dataclasses.replace(bar, x=round(width - bar.x - bar.width, 2), label_x=round(width - bar.label_x, 2))
        for bar in chart.bars
    ]
    return dataclasses.replace(
        chart,
        bars=bars,
        plot_start=width - chart.plot_end,
        plot_end=width - chart.plot_start,
        tick_label_x=width - chart.tick_label_x,
        tick_anchor="start",
    )


# --- Horizontal bars, labels above them (a report's figures per region, per category) ---------------------

CHART_WIDTH = 720
CHART_PAD = 8
VALUE_ROOM = 72  # room after the longest bar for its value
LABEL_HEIGHT = 20
BAR_HEIGHT = 14
BAR_GAP = 3
ROW_GAP = 10
NEEDS_COLOR = "#d3e6dc"  # outlined in the admitted colour: the outline, not the fill, gives the contrast
ADMITTED_COLOR = "#0b5e3c"
ALERT_COLOR = "#f0b8b8"  # a third series (e-mails that failed), outlined like the others
# The series' colours in order, for charts of several figures side by side (each has its legend class in
# bawaba.css: the Content-Security-Policy refuses style="").
SERIES_COLORS = (ADMITTED_COLOR, NEEDS_COLOR, ALERT_COLOR)


@dataclass(frozen=True)
class ChartBar:
    value: int
    color: str
    x: float
    y: float
    width: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: float
    bars: list[ChartBar]


@dataclass(frozen=True)
class Series:
    label: str
    color: str


@dataclass(frozen=True)
class BarChart:
    rows: list[ChartRow]
    series: list[Series]
    width: int
    height: int
    label_x: float
    anchor: str  # text-anchor of the labels: "start" left to right, "end" right to left
    value_anchor: str
    bar_height: int = BAR_HEIGHT


def bar_chart(
    rows: list[tuple[str, list[int]]], *, series: list[Series], rtl: bool, chart_width: int = CHART_WIDTH
) -> BarChart:
    """One group of bars per row (one bar per series), lengths on one scale; mirrored for right-to-left pages. A
    narrower `chart_width` keeps the labels readable where the chart shares the width with a table."""
    largest = max((value for _, values in rows for value in values), default=0) or 1
    length = chart_width - 2 * CHART_PAD - VALUE_ROOM
    chart_rows, y = [], float(CHART_PAD)
    for label, values in rows:
        label_y = y + LABEL_HEIGHT - 6
        y += LABEL_HEIGHT
        bars = []
        for value, of_series in zip(values, series, strict=True):
            width = round(length * value / largest, 2)
            x = round(chart_width - CHART_PAD - width, 2) if rtl else CHART_PAD
            value_x = round(x - 4 if rtl else x + width + 4, 2)
            bars.append(ChartBar(value, of_series.color, x, y, width, value_x, y + BAR_HEIGHT - 3))
            y += BAR_HEIGHT + BAR_GAP
        chart_rows.append(ChartRow(label=label, label_y=label_y, bars=bars))
        y += ROW_GAP
    return BarChart(
        rows=chart_rows,
        series=series,
        width=chart_width,
        height=round(y + CHART_PAD),
        label_x=chart_width - CHART_PAD if rtl else CHART_PAD,
        anchor="end" if rtl else "start",
        value_anchor="end" if rtl else "start",
    )
