"""Cells of the files the staff open in a spreadsheet (CSV, XLSX), safe from formula injection.

Excel and LibreOffice run a CSV cell that starts with "=", "+", "-" or "@" (or a tab or carriage return before one)
as a formula (OWASP "CSV injection"): a place name or a label is never supposed to, but a staff file must not
trust that, so such a text gets a leading quote, which the spreadsheet shows as text. An XLSX cell holds its type:
only a text starting with "=" needs typing as text, since openpyxl would otherwise write it as a formula.
"""

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """The value for csv.writer: "" for None, a text that could start a formula quoted, anything else as it is."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """The value to append to a write-only openpyxl sheet: a text starting with "=" as a cell typed as text, any
    other value as it is (a cell object for each would halve the writing speed)."""
    if isinstance(value, str) and value.startswith("="):
        from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
