"""The field staff of a province as files for payroll and badges: CSV (Excel-ready UTF-8) and XLSX (openpyxl), with
no cell a spreadsheet would run as a formula."""

import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook  # type: ignore[import-untyped]

from bawaba.core.spreadsheet_cells import csv_cell, xlsx_cell


def header() -> list[str]:
    return [
        _("CIN"),
        _("Last name (Arabic)"),
        _("First name (Arabic)"),
        _("Last name (Latin script)"),
        _("First name (Latin script)"),
        _("Sex"),
        _("Birth date"),
        _("Phone"),
        _("E-mail"),
        _("Province"),
        _("Commune"),
        _("Training group"),
        _("First day"),
        _("Last day"),
        _("Status"),
    ]


def csv_row(row: Sequence) -> list[str]:
    """Dates in ISO form, and no cell a spreadsheet would run as a formula (core.spreadsheet_cells)."""
    return [
        csv_cell("" if value is None else value.isoformat() if hasattr(value, "isoformat") else str(value))
        for value in row
    ]


def xlsx_bytes(title: str, head: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "field staff")
    sheet.append(list(head))
    for row in rows:
        # Text stays text (a CIN or a phone number is never a number); dates are real dates.
        sheet.append([xlsx_cell(sheet, "" if value is None else value) for value in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
