"""The campaign dashboard as files, with the same figures as the page (its scope and drill-down): a CSV for
machines, one figure a line under stable column names (bawaba.indicators.dashboard.EXPORT_HEADER), and an XLSX for
people, a sheet per table of the page as the page shows it, after a sheet that says what each figure counts.
Every download is audited."""

import re
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from bawaba.core import dates
from bawaba.core.audit import record_event
from bawaba.core.spreadsheet_cells import csv_cell, xlsx_cell
from bawaba.indicators.dashboard import EXPORT_HEADER, Dashboard, export_rows

FORMATS = ("csv", "xlsx")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What a sheet's name may not hold, and its longest (Excel's rules).
_SHEET_NAME_REFUSES = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH = 31


def filename(dashboard: Dashboard, extension: str) -> str:
    place = dashboard.place_code.replace(" ", "_") or "national"
    return f"indicators-{dashboard.campaign.slug}-{place}.{extension}"


def total_label() -> str:
    return _("Total")


def csv_rows(dashboard: Dashboard) -> Iterator[list[Any]]:
    """The header, then every figure of the page, one a line; texts that could start a formula quoted."""
    yield list(EXPORT_HEADER)
    for row in export_rows(dashboard, total_label=total_label()):
        yield [csv_cell(value) for value in row]


def _sheet_name(title: str, taken: set[str]) -> str:
    name = _SHEET_NAME_REFUSES.sub(" ", title).strip()[:_SHEET_NAME_LENGTH] or "-"
    number = 2
    while name in taken:
        suffix = f" {number}"
        name = name[: _SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name)
    return name


def _about_rows(dashboard: Dashboard) -> Iterator[list[Any]]:
    refreshed = dashboard.refreshed_at
    yield [_("Campaign"), dashboard.campaign.title]
    yield [_("Place"), dashboard.place_label]
    # A spreadsheet's date has no time zone: Morocco's time, as on the page.
    yield [_("Figures as of"), dates.in_morocco(refreshed).replace(tzinfo=None) if refreshed else None]
    yield []
    yield [_("Figure"), _("Name"), _("Definition"), _("Unit")]
    seen: set[str] = set()
    for section in dashboard.sections:
        for column in section.columns:
            if column.key not in seen:
                seen.add(column.key)
                yield [column.key, column.name, column.definition, column.unit]
        if section.percent is not None and section.percent.key not in seen:
            seen.add(section.percent.key)
            yield [section.percent.key, str(section.percent.label), str(section.percent.definition), "%"]


def xlsx_file(dashboard: Dashboard, *, right_to_left: bool) -> IO[bytes]:
    """The workbook in a temporary file (rewound), written in openpyxl's write-only mode (decision 0030)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    taken: set[str] = set()

    def sheet_for(title: str) -> Any:
        sheet = workbook.create_sheet(title=_sheet_name(title, taken))
        sheet.sheet_view.rightToLeft = right_to_left
        return sheet

    about = sheet_for(_("Figures"))
    for row in _about_rows(dashboard):
        about.append([xlsx_cell(about, value) for value in row])
    for section in dashboard.sections:
        sheet = sheet_for(str(section.spec.sheet))
        sheet.freeze_panes = "C2"
        header = [_("Code"), str(section.dimension_label), *(column.name for column in section.columns)]
        if section.percent is not None:
            header.append(f"{section.percent.label} (%)")
        sheet.append([xlsx_cell(sheet, value) for value in header])
        lines = [(line.code, line.label, line.values, line.percent) for line in section.lines]
        lines.append((dashboard.place_code, total_label(), section.totals, section.total_percent))
        for code, label, values, percent in lines:
            row = [code, label, *values] + ([percent] if section.percent is not None else [])
            sheet.append([xlsx_cell(sheet, value) for value in row])
    output = tempfile.TemporaryFile()
    workbook.save(output)
    output.seek(0)
    return output


def record_dashboard_export(*, actor: Any, dashboard: Dashboard, file_format: str) -> None:
    """Audit a download: who, which campaign, which file, which place (its codes; "national")."""
    record_event(
        actor=actor,
        action="indicators.dashboard_exported",
        target=dashboard.campaign,
        data={"format": file_format, "place": dashboard.place_code or "national"},
    )
