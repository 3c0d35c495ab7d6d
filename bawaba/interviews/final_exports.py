"""The final lists as files for the staff (CSV, XLSX: every column) and their audit. The PDF for posting, with the
CIN partly hidden, is laid out by the template interviews/staff/final/print.html."""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from bawaba.core.audit import record_event
from bawaba.core.csv_response import UTF8_BOM
from bawaba.core.spreadsheet_cells import csv_cell, xlsx_cell
from bawaba.interviews.final_lists import FinalLine
from bawaba.selection.models import SelectionRun


def header() -> list[str]:
    return [
        _("Province"),
        _("Province code"),
        _("Commune"),
        _("Commune code"),
        _("List"),
        _("Place on the waiting list"),
        _("CIN"),
        _("Last name (Arabic)"),
        _("First name (Arabic)"),
        _("Last name (Latin script)"),
        _("First name (Latin script)"),
        _("Interview score (out of 100)"),
        _("Application"),
    ]


class _Rows:
    """Turns lines into rows, each place's name and each list's label looked up in the active language once per
    file rather than once a line (a lookup goes through the translation machinery: a third of a national file's
    time when made per line)."""

    def __init__(self) -> None:
        self.names: dict[tuple[str, int], str] = {}
        self.labels: dict[str, str] = {}

    def _name(self, place: Any) -> str:
        key = (type(place).__name__, place.pk)
        if key not in self.names:
            self.names[key] = place.name
        return self.names[key]

    def __call__(self, line: FinalLine) -> list[Any]:
        if line.outcome not in self.labels:
            self.labels[line.outcome] = line.outcome_label
        return [
            self._name(line.province),
            line.province.code,
            self._name(line.commune),
            line.commune.code,
            self.labels[line.outcome],
            line.position,
            line.cin,
            line.last_name_ar,
            line.first_name_ar,
            line.last_name_latin,
            line.first_name_latin,
            line.interview_score,
            line.application_id,
        ]


def csv_rows(lines: Iterable[FinalLine]) -> Iterator[list[Any]]:
    row = _Rows()
    for line in lines:
        yield [csv_cell(value) for value in row(line)]


def write_csv(lines: Iterable[FinalLine], out: IO[bytes]) -> int:
    """The lines as CSV (UTF-8 with its BOM, for Excel) into the binary stream `out`; the number of lines."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    text.write(UTF8_BOM)
    writer = csv.writer(text)
    writer.writerow(header())
    count = 0
    for row in csv_rows(lines):
        writer.writerow(row)
        count += 1
    text.flush()
    text.detach()  # leaves `out` open for the caller
    return count


def write_xlsx(lines: Iterable[FinalLine], out: IO[bytes], *, title: str, right_to_left: bool) -> int:
    """The lines as an XLSX workbook into `out`: openpyxl's write-only mode streams the rows to disk as they come,
    so a national file takes little memory (decision 0030); the number of lines."""
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.sheet_view.rightToLeft = right_to_left
    sheet.freeze_panes = "A2"
    sheet.append(header())
    row = _Rows()
    count = 0
    for line in lines:
        sheet.append([xlsx_cell(sheet, value) for value in row(line)])
        count += 1
    workbook.save(out)
    return count


def xlsx_file(lines: Iterable[FinalLine], *, title: str, right_to_left: bool) -> IO[bytes]:
    """The lines as an XLSX workbook in a temporary file, rewound."""
    output = tempfile.TemporaryFile()
    write_xlsx(lines, output, title=title, right_to_left=right_to_left)
    output.seek(0)
    return output


def record_final_list_export(
    *, actor: Any, run: SelectionRun, file_format: str, province_code: str | None, part: int | None = None
) -> None:
    """Audit a download of the final lists: who, which run, which file, which province (None: national), and
    which part of a list printed in parts."""
    data: dict[str, Any] = {"format": file_format, "province": province_code or "national"}
    if part is not None:
        data["part"] = part
    record_event(actor=actor, action="interviews.final_list_exported", target=run, data=data)
