"""The staff campaign dashboard of indicators, described (issue 15, item 2): its sections, which registered
indicators each one shows and by what, the percentage computed beside them, and how a table of summary figures
becomes the lines that the page, its charts and its two files show.

Pure: no database. The reads are bawaba.indicators.dashboard_selectors, which hands each section's table here; the
page, the CSV and the XLSX all render the same `Dashboard`, so they cannot disagree.

A section shows only the indicators that are registered and were counted by the last refresh (a stage app
registers its figures when it comes: until then its section is left out, never shown as zeros), and only those
that can be read at the place: an indicator without a territory has figures for the whole country alone.
"""

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bawaba.core.charts import (
    ADMITTED_COLOR,
    SERIES_COLORS,
    BarChart,
    DailyChart,
    Series,
    bar_chart,
    daily_bar_chart,
)
from bawaba.core.contributions import Indicator
from bawaba.indicators.tables import IndicatorTable, ratio_percent, share_percent

# What a section's lines are: the areas one level below the place, or a value of another dimension.
AREA = "area"
CATEGORY = "category"
DAY = "day"
KIND = "kind"

# The chart beside a section's table: one bar per day; bars per line (one per indicator); or one bar per
# indicator for the whole place (a section of many figures read in order: invited, accepted, started...).
DAILY = "daily"
PER_LINE = "per_line"
TOTALS = "totals"

# What each breakdown's lines are called, as the first column's heading.
DIMENSION_LABELS: dict[str, Promise] = {
    "region": _("Region"),
    "province": _("Province or prefecture"),
    "commune": _("Commune"),
    CATEGORY: _("Category"),
    DAY: _("Day (Morocco time)"),
    KIND: _("Kind of e-mail"),
}
# The query parameter that opens an area of this level (its own areas below); communes open nothing.
DRILL_PARAMETER = {"region": "region", "province": "province"}


@dataclass(frozen=True)
class Percent:
    """A whole percentage beside a section's figures, rounded half up as the source rounds (172 %): numerator over
    denominator on each line (a ratio, a rate), or, without a denominator, the line's share of the place's total."""

    key: str  # stable, for the files: "ratio", "share", "rate"
    label: Promise
    definition: Promise
    numerator: str
    denominator: str | None = None

    def keys(self) -> tuple[str, ...]:
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)


@dataclass(frozen=True)
class SectionSpec:
    key: str  # stable: the section's anchor on the page and its name in the files
    title: Promise
    sheet: Promise  # a short title, for its sheet in the XLSX file (31 characters at most)
    keys: tuple[str, ...]  # the indicators, in the table's order (those missing are skipped)
    by: str  # AREA, CATEGORY, DAY or KIND
    chart: str  # DAILY, PER_LINE or TOTALS
    percent: Percent | None = None


CANDIDATES = "campaigns.candidates"
TRAINING_NEEDS = "campaigns.training_needs"
FIELD_NEEDS = "campaigns.field_needs"

SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec("registrations", _("Registrations per day"), _("Per day"), (CANDIDATES,), DAY, DAILY),
    SectionSpec(
        "categories",
        _("Candidates by category"),
        _("Categories"),
        (CANDIDATES,),
        CATEGORY,
        PER_LINE,
        Percent(
            "share",
            _("Share"),
            _("The category's candidates out of all the candidates of the place, in whole percent."),
            CANDIDATES,
        ),
    ),
    SectionSpec(
        "candidacies",
        _("Candidacies against training needs"),
        _("Candidacies"),
        (CANDIDATES, TRAINING_NEEDS),
        AREA,
        PER_LINE,
        Percent(
            "ratio",
            _("Ratio"),
            _("Candidacies for every hundred trainees needed, in whole percent (245 % nationally in 2024)."),
            CANDIDATES,
            TRAINING_NEEDS,
        ),
    ),
    SectionSpec(
        "preselection",
        _("Preselected against field needs"),
        _("Preselection"),
        ("selection.preselected", FIELD_NEEDS),
        AREA,
        PER_LINE,
    ),
    SectionSpec(
        "training",
        _("Replies, remote training and promotions"),
        _("Training"),
        (
            "training.invited",
            "training.accepted",
            "training.declined",
            "training.started",
            "training.completed",
            "selection.waiting",
            "selection.promoted",
        ),
        AREA,
        TOTALS,
    ),
    SectionSpec(
        "documents",
        _("Supporting documents"),
        _("Documents"),
        (
            "documents.uploaded",
            "documents.examined",
            "documents.accepted",
            "documents.rejected",
            "documents.under_examination",
        ),
        AREA,
        TOTALS,
        Percent(
            "rate",
            _("Review rate"),
            _("Dossiers examined out of the dossiers uploaded, in whole percent."),
            "documents.examined",
            "documents.uploaded",
        ),
    ),
    SectionSpec(
        "interviews",
        _("Interviews and the final selection"),
        _("Interviews"),
        (
            "interviews.convoked",
            "interviews.present",
            "interviews.absent",
            "interviews.final_selected",
            "interviews.final_reserve",
            "fieldwork.assigned",
        ),
        AREA,
        TOTALS,
    ),
    SectionSpec(
        "emails",
        _("E-mails by kind and status"),
        _("E-mails"),
        ("emails.sent", "emails.waiting", "emails.failed"),
        KIND,
        PER_LINE,
    ),
)


def shown_keys(
    spec: SectionSpec, indicators: Mapping[str, Indicator], counted: Collection[str], *, nation: bool
) -> tuple[str, ...]:
    """The section's indicators the page can show at this place: registered, counted by the last refresh, broken
    down by the section's dimension, and territorial unless the place is the whole country."""
    shown = []
    for key in spec.keys:
        indicator = indicators.get(key)
        if indicator is None or key not in counted:
            continue
        if spec.by == AREA and not indicator.territorial:
            continue
        if spec.by != AREA and spec.by not in indicator.dimensions:
            continue
        if not nation and not indicator.territorial:
            continue
        shown.append(key)
    return tuple(shown)


# --- A section's lines -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    name: str
    definition: str
    unit: str


@dataclass(frozen=True)
class Line:
    code: str  # the area's HCP code, the category's or kind's code, the ISO day; "" for an unknown area
    label: str
    values: tuple[int, ...]  # one per column
    percent: int | None = None
    drill: str = ""  # the query parameter that opens this area ("region", "province"), "" when none does


@dataclass(frozen=True)
class Section:
    spec: SectionSpec
    dimension: str  # "region", "province", "commune", "category", "day" or "kind"
    columns: tuple[Column, ...]
    lines: tuple[Line, ...]
    totals: tuple[int, ...]  # the place's figures, one per column
    percent: Percent | None = None  # the spec's, when both its figures are shown
    total_percent: int | None = None

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def title(self) -> Promise:
        return self.spec.title

    @property
    def dimension_label(self) -> Promise:
        return DIMENSION_LABELS[self.dimension]

    def total(self, key: str) -> int:
        return self.totals[[column.key for column in self.columns].index(key)]

    @property
    def key_figures(self) -> list[tuple[Column, int]]:
        """The place's figure of each column (the key figures above the table and its footer)."""
        return list(zip(self.columns, self.totals, strict=True))

    @property
    def table_lines(self) -> list[tuple[Line, list[tuple[Column, int]]]]:
        """Each line with its figures beside their columns (a stacked table's cell names its column)."""
        return [(line, list(zip(self.columns, line.values, strict=True))) for line in self.lines]


def columns_of(keys: Sequence[str], indicators: Mapping[str, Indicator]) -> tuple[Column, ...]:
    return tuple(
        Column(
            key=key,
            name=str(indicators[key].name),
            definition=str(indicators[key].definition),
            unit=str(indicators[key].unit),
        )
        for key in keys
    )


def _percent_of(percent: Percent, values: Mapping[str, int], totals: Mapping[str, int]) -> int | None:
    if percent.denominator is None:
        return share_percent(values[percent.numerator], totals[percent.numerator])
    return ratio_percent(values[percent.numerator], values[percent.denominator])


def _ordered(
    by: str, rows: Sequence[str], table: IndicatorTable, first: str, order: Sequence[str]
) -> list[str]:
    known = [row for row in rows if row != ""]
    if by == AREA:
        # The source's order: the largest first (its regions by candidacies), then by code.
        known.sort(key=lambda row: (-table.value(row, first), row))
    elif by == CATEGORY:
        position = {code: index for index, code in enumerate(order)}
        known.sort(key=lambda row: (position.get(row, len(position)), row))
    else:
        known.sort()
    return known + ([""] if "" in rows else [])  # the unknown area or value last


def window_days(rows: Collection[str], window: tuple[dt.date, dt.date] | None) -> list[str]:
    """Every day of the window and of the figures, in order, as ISO days: a day without any is a line of zero."""
    days = {dt.date.fromisoformat(row) for row in rows if row}
    if window is not None:
        days |= set(window)
    if not days:
        return []
    first, last = min(days), max(days)
    return [(first + dt.timedelta(days=offset)).isoformat() for offset in range((last - first).days + 1)] + (
        [""] if "" in rows else []
    )


def build_section(
    spec: SectionSpec,
    table: IndicatorTable,
    indicators: Mapping[str, Indicator],
    *,
    dimension: str,
    labels: Mapping[str, str],
    category_order: Sequence[str] = (),
    window: tuple[dt.date, dt.date] | None = None,
) -> Section:
    """The section's lines from its table of summary figures (`table.indicators` are the shown ones, in order)."""
    keys = [indicator.key for indicator in table.indicators]
    percent = spec.percent if spec.percent is not None and set(spec.percent.keys()) <= set(keys) else None
    if spec.by == DAY:
        rows = window_days(table.rows, window)
    else:
        rows = _ordered(spec.by, table.rows, table, keys[0], category_order)
    zero = dict.fromkeys(keys, 0)
    lines = []
    for row in rows:
        values = table.values.get(row, zero)
        lines.append(
            Line(
                code=row,
                label=labels.get(row, row),
                values=tuple(values[key] for key in keys),
                percent=_percent_of(percent, values, table.totals) if percent else None,
                drill=DRILL_PARAMETER.get(dimension, "") if spec.by == AREA and row else "",
            )
        )
    return Section(
        spec=spec,
        dimension=dimension,
        columns=columns_of(keys, indicators),
        lines=tuple(lines),
        totals=tuple(table.totals[key] for key in keys),
        percent=percent,
        total_percent=_percent_of(percent, table.totals, table.totals) if percent else None,
    )


# --- The whole page --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Crumb:
    """A step of the way from her whole scope down to the place shown: its label and the query that opens it."""

    label: str
    query: str  # "" for her whole scope, "region=06", "province=04.281"


@dataclass(frozen=True)
class Dashboard:
    campaign: Any
    place_label: str  # "Whole country", "Region Rabat-Salé-Kénitra", "Your provinces: A and B"...
    place_code: str  # the codes of the place's areas, space-separated ("" for the whole country)
    query: str  # the drill-down of the place shown ("" for her whole scope), for the page's own links
    trail: tuple[Crumb, ...]
    refreshed_at: dt.datetime | None  # None: never refreshed, the page has no figure
    refresh_generation: int = 0  # which refresh counted the figures (SummaryRefresh.generation)
    refresh_pending_since: dt.datetime | None = None  # a refresh asked for and not done yet
    sections: tuple[Section, ...] = field(default=())
    # Her regions or provinces, each opening its own page, when her scope has several (else nothing).
    scope_areas: tuple[Crumb, ...] = field(default=())

    @property
    def has_figures(self) -> bool:
        return self.refreshed_at is not None


# --- Charts ------------------------------------------------------------------------------------------------------


# Narrower than a page-wide chart: it shares the width with its table, and its text scales with it (12 px on a
# desktop's half page, still legible on a phone).
CHART_WIDTH = 480


def section_chart(section: Section, *, rtl: bool) -> DailyChart | BarChart:
    """The chart drawn beside the section's table: the same figures (its table is the text alternative)."""
    if section.spec.chart == DAILY:
        days = [(dt.date.fromisoformat(line.code), line.values[0]) for line in section.lines if line.code]
        return daily_bar_chart(days, rtl=rtl, chart_width=CHART_WIDTH)
    if section.spec.chart == TOTALS:
        return bar_chart(
            [(column.name, [total]) for column, total in zip(section.columns, section.totals, strict=True)],
            series=[Series(str(section.title), ADMITTED_COLOR)],
            rtl=rtl,
            chart_width=CHART_WIDTH,
        )
    colours = SERIES_COLORS[: len(section.columns)]
    return bar_chart(
        [(line.label, list(line.values)) for line in section.lines],
        series=[Series(column.name, colour) for column, colour in zip(section.columns, colours, strict=True)],
        rtl=rtl,
        chart_width=CHART_WIDTH,
    )


# --- The files: every figure of the page, one a line --------------------------------------------------------------

EXPORT_HEADER = ("section", "breakdown", "code", "label", "figure", "figure_name", "value")
TOTAL = "total"  # the breakdown of the place's own figures in the files


def percent_figure(percent: Percent) -> str:
    """The figure's name in the files: "ratio:campaigns.candidates/campaigns.training_needs"."""
    return f"{percent.key}:{'/'.join(percent.keys())}"


def export_rows(
    dashboard: Dashboard, *, total_label: str
) -> Iterator[tuple[str, str, str, str, str, str, Any]]:
    """Every figure of the page, one a row (EXPORT_HEADER): each line's figures and percentage, then the place's
    totals (breakdown "total"). A percentage that cannot be computed (nothing to divide by) is empty."""
    for section in dashboard.sections:
        for breakdown, code, label, values, percent in [
            *(
                (section.dimension, line.code, line.label, line.values, line.percent)
                for line in section.lines
            ),
            (TOTAL, dashboard.place_code, total_label, section.totals, section.total_percent),
        ]:
            for column, value in zip(section.columns, values, strict=True):
                yield section.key, breakdown, code, label, column.key, column.name, value
            if section.percent is not None:
                name = str(section.percent.label)
                yield section.key, breakdown, code, label, percent_figure(section.percent), name, percent
