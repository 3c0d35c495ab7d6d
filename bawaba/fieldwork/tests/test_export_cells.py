"""The field staff files carry no cell a spreadsheet would run as a formula (a name typed as "=HYPERLINK(...)")."""

import datetime as dt
import io

from openpyxl import load_workbook

from bawaba.fieldwork.staff.exports import csv_row, xlsx_bytes


def test_a_formula_looking_name_stays_text_in_the_csv_and_the_xlsx():
    row = ["AB123", '=HYPERLINK("http://x")', "+212600000000", dt.date(2024, 7, 1), None]
    assert csv_row(row) == ["AB123", '\'=HYPERLINK("http://x")', "'+212600000000", "2024-07-01", ""]
    sheet = load_workbook(io.BytesIO(xlsx_bytes("t", ["a", "b", "c", "d", "e"], [row]))).worksheets[0]
    cell = sheet.cell(row=2, column=2)
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"
