"""What every uploaded CSV file's parser needs, whatever its columns (the staff file, the needs file).

Pure functions, no Django: the parsers built on them are pure too, and their problems are translated at the edge.
Spreadsheets save "CSV UTF-8" with a byte-order mark, French ones with ";" between columns, and "Unicode text" as
UTF-16, which a reader must name rather than misread.
"""

import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A value quoted in a problem is cut to this length: the sentence must stay readable whatever the file holds.
SHOWN_LENGTH = 40


def is_utf16(data: bytes) -> bool:
    """Saved as UTF-16 ("Unicode text"): the parser should ask for CSV UTF-8 instead of reading noise."""
    return data.startswith(UTF16_BOMS)


def shown(value: str) -> str:
    """The value as a problem's sentence quotes it: cut to SHOWN_LENGTH characters with an ellipsis."""
    return value if len(value) <= SHOWN_LENGTH else value[: SHOWN_LENGTH - 1] + "…"


# Unicode's control characters (category Cc), with and without the tab: one regular expression is some fifty
# times faster than asking unicodedata character by character, which a 200,000-line file notices.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_TAB = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def has_control_character(text: str, *, tab_allowed: bool = False) -> bool:
    """Whether the text holds an invisible control character (NUL and the like), which no cell may hold."""
    return (_CONTROL_BUT_TAB if tab_allowed else _CONTROL).search(text) is not None


def delimiter_of(header_line: str) -> str:
    """The column separator the header line uses: ";" (a French spreadsheet) when it has no ",", else ","."""
    return ";" if ";" in header_line and "," not in header_line else ","


def physical_lines(data: bytes) -> list[bytes]:
    """The file's lines without their ending (LF or CRLF); a last empty line (a final line break) is dropped.

    Split on bytes, not text: a line that is not UTF-8 is then one faulty line, and the others still get checked.
    """
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return [line.removesuffix(b"\r") for line in lines]


def text_lines(data: bytes) -> list[str | None]:
    """The lines as text, as `physical_lines` cuts them; None for a line that is not UTF-8 (decoded line by line
    only when the whole file is not)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        lines: list[str | None] = []
        for raw in physical_lines(data):
            try:
                lines.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                lines.append(None)
        return lines
    split = text.split("\n")
    if split and split[-1] == "":
        split.pop()
    return [line.removesuffix("\r") for line in split]


def cells(text: str, delimiter: str) -> list[str]:
    """One line's cells, stripped; raises csv.Error when its quotes are unbalanced."""
    if '"' not in text:
        return [cell.strip() for cell in text.split(delimiter)]
    row = next(csv.reader([text], delimiter=delimiter, strict=True), [])
    return [cell.strip() for cell in row]


# How a parser is told of a faulty line: (problem code, line number, the problem's parameters).
Report = Callable[[str, int, Mapping[str, object]], None]


def data_rows(
    lines: Iterable[str | None], *, header: tuple[str, ...], report: Report
) -> Iterator[tuple[int, list[str] | None]]:
    """The rows under a file's header line, each as (line number, cells), or (line number, None) for a row found
    faulty and reported: not UTF-8 ("encoding"), a control character ("control_character"), unbalanced quotes
    ("malformed").

    The first line that is not blank is the header: it tells the delimiter (a French spreadsheet writes ";" where
    others write ","), and one other than `header` (read without case) is reported ("header", with what was
    found). A header that cannot be read is reported as such, once. Blank lines and rows of empty cells (a
    spreadsheet's empty rows, `,,`) are skipped.
    """
    delimiter = ","
    header_done = False
    for number, text in enumerate(lines, start=1):
        if text is None:
            report("encoding", number, {})
            if header_done:
                yield number, None
            header_done = True
            continue
        if not text.strip():
            continue
        if _CONTROL.search(text):  # a tab included: never part of a code, a name, a date or a number
            report("control_character", number, {})
            if header_done:
                yield number, None
            header_done = True
            continue
        if not header_done:
            header_done = True
            delimiter = delimiter_of(text)
            try:
                found = tuple(cell.lower() for cell in cells(text, delimiter))
            except csv.Error:
                found = ()
            if found != header:
                report("header", number, {"found": shown(text.strip())})
            continue
        try:
            row = cells(text, delimiter)
        except csv.Error:
            report("malformed", number, {})
            yield number, None
            continue
        if any(row):
            yield number, row
