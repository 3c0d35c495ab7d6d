import io

import pytest
from openpyxl import Workbook, load_workbook

from bawaba.core.spreadsheet_cells import csv_cell, xlsx_cell


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_csv_text_that_could_start_a_formula_is_quoted(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Kénitra", "04.281", "", 12, -3, None])
def test_other_csv_values_are_kept(value):
    assert csv_cell(value) == ("" if value is None else value)


def test_an_xlsx_text_starting_with_equals_stays_text():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append([xlsx_cell(sheet, value) for value in ["=1+1", "-1", 7]])
    output = io.BytesIO()
    workbook.save(output)
    cells = next(load_workbook(io.BytesIO(output.getvalue())).worksheets[0].iter_rows())
    assert [(cell.value, cell.data_type) for cell in cells] == [("=1+1", "s"), ("-1", "s"), (7, "n")]
