"""What the open-data page shows of a release: its tables, in the reader's language, with each suppressed count
marked, split by stage so that a phone shows a few columns at a time; and the CSV file of every table."""

import csv
import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from bawaba.core import dates, numbers
from bawaba.core.names import prefers_arabic
from bawaba.indicators.opendata.selectors import Definition, dimension_label

# What a suppressed count is replaced by in the page and the CSV file (the JSON has null).
SUPPRESSED = "*"

# The stage each indicator belongs to, by its key's prefix, so that a table shows one stage's columns at a time.
STAGES = {
    "campaigns": gettext_lazy("Applications and needs"),
    "selection": gettext_lazy("Preselection"),
    "training": gettext_lazy("Remote training"),
    "documents": gettext_lazy("Supporting documents"),
    "interviews": gettext_lazy("Interviews and final selection"),
    "fieldwork": gettext_lazy("In-person training"),
    "emails": gettext_lazy("E-mails"),
}


@dataclass(frozen=True)
class Row:
    code: str  # shown beside the name, unless the name says it all (a day)
    name: str
    cells: tuple[SafeString, ...]  # each count as shown (see `cell`)
    link: str = ""  # the query string of its drill-down, if any


@dataclass(frozen=True)
class PageTable:
    caption: str
    heading: str  # the first column's
    columns: tuple[Definition, ...]
    rows: tuple[Row, ...]
    total: tuple[SafeString, ...]
    anchor: str


def row_name(row: dict[str, Any], dimension: str) -> str:
    name = row["name_ar"] if prefers_arabic() else row["name_fr"]
    name = name or row["name_fr"] or row["name_ar"]
    if name:
        return name
    if not row["code"]:
        return _("Unknown area") if dimension in ("region", "province", "commune") else _("Not stated")
    if dimension == "day":
        return dates.day(dt.date.fromisoformat(row["code"]), get_language())
    return row["code"]


def cells(values: Sequence[int | None]) -> tuple[SafeString, ...]:
    """Counts as the page shows them, formatted here rather than in the template (a national table has thousands):
    a number with the language's separators, or the symbol of a suppressed count, read out as "suppressed"."""
    language = get_language()
    suppressed = format_html(
        '<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>',
        SUPPRESSED,
        _("suppressed"),
    )
    return tuple(
        suppressed if value is None else SafeString(numbers.number(value, language)) for value in values
    )


def find_table(data: dict[str, Any], dimension: str, parent_code: str = "") -> dict[str, Any] | None:
    for table in data["tables"]:
        if table["dimension"] == dimension and table["parent"]["code"] == parent_code:
            return table
    return None


def _stages(keys: Sequence[str]) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(key.split(".", 1)[0], []).append(key)
    return [(prefix, members) for prefix, members in groups.items()]


def page_tables(
    table: dict[str, Any], definitions: dict[str, Definition], *, caption: str, drill: str = ""
) -> list[PageTable]:
    """A release's table as the page shows it: one table per stage, the registered indicators only."""
    dimension = table["dimension"]
    keys = [key for key in table["keys"] if key in definitions]
    result = []
    for prefix, members in _stages(keys):
        stage = STAGES.get(prefix)
        rows = tuple(
            Row(
                code="" if dimension == "day" else row["code"],
                name=row_name(row, dimension),
                cells=cells([row["values"].get(key) for key in members]),
                link=f"?{drill}={row['code']}" if drill and row["code"] else "",
            )
            for row in table["rows"]
        )
        result.append(
            PageTable(
                caption=f"{caption} — {stage}" if stage else caption,
                heading=dimension_label(dimension),
                columns=tuple(definitions[key] for key in members),
                rows=rows,
                total=cells([table["total"].get(key) for key in members]),
                anchor=f"{dimension}-{table['parent']['code'] or 'nation'}-{prefix}",
            )
        )
    return result


# --- The CSV file ----------------------------------------------------------------------------------------------

CSV_COLUMNS = ("dimension", "parent_dimension", "parent_code", "code", "name_ar", "name_fr", "is_total")
# A cell starting with one of these is run as a formula by spreadsheets (OWASP "CSV injection"): it gets a quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _count(value: int | None, present: bool) -> str:
    if not present:
        return ""
    return SUPPRESSED if value is None else str(value)


def csv_lines(data: dict[str, Any]) -> Iterator[list[str]]:
    """Every table of the release, its rows then its total, one column per indicator key (stable names)."""
    keys = data["keys"]
    yield [*CSV_COLUMNS, *keys]
    for table in data["tables"]:
        parent = table["parent"]
        present = set(table["keys"])
        for row in table["rows"]:
            yield [
                table["dimension"],
                parent["dimension"],
                _text(parent["code"]),
                _text(row["code"]),
                _text(row["name_ar"]),
                _text(row["name_fr"]),
                "false",
                *(_count(row["values"].get(key), key in present) for key in keys),
            ]
        yield [
            table["dimension"],
            parent["dimension"],
            _text(parent["code"]),
            _text(parent["code"]),
            "",
            "",
            "true",
            *(_count(table["total"].get(key), key in present) for key in keys),
        ]


def write_csv(response, data: dict[str, Any]) -> None:
    writer = csv.writer(response)
    writer.writerows(csv_lines(data))
