"""The e-learning platform's completion report: one line per candidate. Pure Python, no Django.

The file, as the platform's report is saved for us (and as :func:`write_progress_file` writes it):

* CSV, UTF-8 with or without a byte-order mark; `,` between the columns, or `;` (a French spreadsheet), as the
  header line shows; the header first, exactly ``username,first_access,completion_percent,grade,last_access``
  (in any letter case);
* `username`: her username on the platform, the e-mail address her account was issued with (the platform keeps
  usernames in lower case, so they are compared without case);
* `first_access`, `last_access`: ISO 8601, a date (`2026-05-04`, midnight) or a date and time
  (`2026-05-04T09:30:00`, `2026-05-04 09:30`), with an offset (`+01:00`, `Z`) or without one, then read as
  Moroccan time (Africa/Casablanca); empty when she never opened the platform;
* `completion_percent`: from 0 to 100, a whole number, or a decimal one rounded to the nearest (`45.5` → 46);
* `grade`: a decimal number (`.` or `,` as the decimal mark) from 0 to :data:`MAX_GRADE`, kept to two places;
  empty when she has none.

:func:`parse_progress_file` checks the WHOLE file and returns its valid lines together with every problem of every
line (a line may have several), each with its line number: the import refuses a file with one faulty line, and
whoever fixes it sees every mistake on the first try. A problem is a code and its parameters, translated at the
edge (bawaba.training.services.progress), as the needs file's problems are.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from bawaba.core.csv_upload import UTF8_BOM, data_rows, is_utf16, shown, text_lines

__all__ = [
    "HEADER",
    "MAX_GRADE",
    "PROBLEM_SENTENCES",
    "ParsedReport",
    "ProgressLine",
    "ProgressProblem",
    "parse_progress_file",
    "write_progress_file",
]


def gettext_noop(message: str) -> str:
    """Marks a sentence for makemessages (which looks for calls by this name) without importing Django."""
    return message


HEADER = ("username", "first_access", "completion_percent", "grade", "last_access")
# A grade beyond this is no grade of a training course (Moodle's are out of 10, 20 or 100).
MAX_GRADE = Decimal(1000)
# Dates outside these years are typing or export mistakes, not accesses to a platform.
FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_USERNAME_LENGTH = 254
MOROCCO = ZoneInfo("Africa/Casablanca")
_CENT = Decimal("0.01")
# Unicode's control characters (category Cc: NUL, tab, the C1 set...), searched in C: a report has 200,000 lines.
_SPACE = re.compile(r"\s")
_NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
# Only the shapes ISO 8601 gives a date or a date and time (fromisoformat alone also takes "2026W01" and such).
_ISO_DATE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]{1,6})?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)

PROBLEM_SENTENCES: dict[str, str] = {
    "empty": gettext_noop("The file is empty."),
    "too_big": gettext_noop(
        "The file is larger than %(maximum)s MB: split it or check that it is the right file."
    ),
    "utf16": gettext_noop(
        "The file is saved as UTF-16 (“Unicode text”): save it as “CSV UTF-8 (comma delimited)” instead."
    ),
    "no_lines": gettext_noop("The file has no candidate's line under its header."),
    "header": gettext_noop(
        "Line %(line)s must be the header username,first_access,completion_percent,grade,last_access (with , or ; "
        "between the columns), not “%(found)s”."
    ),
    "encoding": gettext_noop("Line %(line)s is not UTF-8 text: save the file as “CSV UTF-8”."),
    "control_character": gettext_noop(
        "Line %(line)s holds an invisible control character (such as NUL): remove it."
    ),
    "malformed": gettext_noop("Line %(line)s is not a well-formed CSV line (check its quotes)."),
    "missing_columns": gettext_noop(
        "Line %(line)s has %(count)s columns where 5 are expected: username, first access, completion, grade, "
        "last access."
    ),
    "too_many_columns": gettext_noop(
        "Line %(line)s has %(count)s columns where 5 are expected: username, first access, completion, grade, "
        "last access."
    ),
    "no_username": gettext_noop("Line %(line)s has no username."),
    "bad_username": gettext_noop("Line %(line)s: “%(value)s” is not a username of the platform."),
    "unknown_username": gettext_noop(
        "Line %(line)s: no training account of this campaign has the username “%(value)s”."
    ),
    "duplicate_username": gettext_noop(
        "Line %(line)s gives the username “%(value)s” again (already on line %(first)s)."
    ),
    "bad_date": gettext_noop(
        "Line %(line)s: the %(column)s “%(value)s” is not a date (expected e.g. 2026-05-04 or "
        "2026-05-04T09:30:00+01:00)."
    ),
    "date_out_of_range": gettext_noop(
        "Line %(line)s: the %(column)s %(value)s is not between %(first)s and %(last)s."
    ),
    "last_before_first": gettext_noop("Line %(line)s: the last access is earlier than the first access."),
    "access_without_first": gettext_noop("Line %(line)s has a last access but no first access."),
    "no_percent": gettext_noop("Line %(line)s has no completion percentage."),
    "bad_percent": gettext_noop("Line %(line)s: the completion “%(value)s” is not a number."),
    "percent_out_of_range": gettext_noop("Line %(line)s: the completion %(value)s is not between 0 and 100."),
    "bad_grade": gettext_noop("Line %(line)s: the grade “%(value)s” is not a number."),
    "grade_out_of_range": gettext_noop(
        "Line %(line)s: the grade %(value)s is not between 0 and %(maximum)s."
    ),
}

# The column names as problems quote them, translated with the sentence.
COLUMN_NAMES = {
    "first_access": gettext_noop("first access"),
    "last_access": gettext_noop("last access"),
}


@dataclass(frozen=True)
class ProgressProblem:
    """One problem: a code of :data:`PROBLEM_SENTENCES`, its line (None: the whole file), its placeholders."""

    code: str
    line: int | None = None
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_SENTENCES:
            raise ValueError(f"unknown progress file problem {self.code!r}")

    @property
    def values(self) -> dict[str, object]:
        return {**self.params, "line": self.line}

    def __str__(self) -> str:
        """The English sentence (logs, the command line's fallback, tests)."""
        values = dict(self.values)
        if "column" in values:
            values["column"] = COLUMN_NAMES.get(str(values["column"]), values["column"])
        return PROBLEM_SENTENCES[self.code] % values


@dataclass(frozen=True)
class ProgressLine:
    """A valid line: her progress as the platform reports it (dates aware, in UTC)."""

    line: int
    username: str
    first_access: dt.datetime | None
    completion_percent: int
    grade: Decimal | None
    last_access: dt.datetime | None


@dataclass(frozen=True)
class ParsedReport:
    """The file's valid lines and the problems of the others (and of the file), in the order of the file."""

    lines: tuple[ProgressLine, ...]
    problems: tuple[ProgressProblem, ...]
    line_count: int  # lines under the header, blank ones left out

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_progress_file(data: bytes, *, max_bytes: int | None = None) -> ParsedReport:
    """Every valid line of the report and every problem of the others (see the module's docstring)."""
    if max_bytes is not None and len(data) > max_bytes:
        return _refused("too_big", {"maximum": max(1, max_bytes // (1024 * 1024))})
    if is_utf16(data):
        return _refused("utf16")
    data = data.removeprefix(UTF8_BOM)
    if not data.strip():
        return _refused("empty")

    problems: list[ProgressProblem] = []
    parsed: list[ProgressLine] = []
    first_seen: dict[str, int] = {}
    line_count = 0

    def report(code: str, number: int, params: Mapping[str, object]) -> None:
        problems.append(ProgressProblem(code, number, params))

    for number, cells in data_rows(text_lines(data), header=HEADER, report=report):
        line_count += 1
        if cells is None:
            continue
        line = _check_line(number, cells, problems)
        if line is None:
            continue
        if line.username in first_seen:
            problems.append(
                ProgressProblem(
                    "duplicate_username",
                    number,
                    {"value": shown(line.username), "first": first_seen[line.username]},
                )
            )
            continue
        first_seen[line.username] = number
        parsed.append(line)
    if not problems and not parsed:
        problems.append(ProgressProblem("no_lines"))
    return ParsedReport(lines=tuple(parsed), problems=tuple(problems), line_count=line_count)


def _refused(code: str, params: Mapping[str, object] | None = None) -> ParsedReport:
    return ParsedReport(lines=(), problems=(ProgressProblem(code, None, params or {}),), line_count=0)


def _check_line(number: int, cells: list[str], problems: list[ProgressProblem]) -> ProgressLine | None:
    """The line's progress, or None after adding every problem of the line (not only the first)."""
    if len(cells) < len(HEADER):
        problems.append(ProgressProblem("missing_columns", number, {"count": len(cells)}))
        return None
    if len(cells) > len(HEADER):
        problems.append(ProgressProblem("too_many_columns", number, {"count": len(cells)}))
        return None
    username, first_text, percent_text, grade_text, last_text = cells
    found = len(problems)
    username = username.lower()
    if not username:
        problems.append(ProgressProblem("no_username", number))
    elif len(username) > MAX_USERNAME_LENGTH or _SPACE.search(username):
        problems.append(ProgressProblem("bad_username", number, {"value": shown(username)}))
    first_access = _moment(number, "first_access", first_text, problems)
    last_access = _moment(number, "last_access", last_text, problems)
    if first_access is not None and last_access is not None and last_access < first_access:
        problems.append(ProgressProblem("last_before_first", number))
    if first_access is None and last_access is not None:
        problems.append(ProgressProblem("access_without_first", number))
    percent = _percent(number, percent_text, problems)
    grade = _grade(number, grade_text, problems)
    if len(problems) > found or percent is None:
        return None
    return ProgressLine(number, username, first_access, percent, grade, last_access)


def _moment(number: int, column: str, text: str, problems: list[ProgressProblem]) -> dt.datetime | None:
    """An access as an aware datetime in UTC; None when empty (or faulty, with its problem added)."""
    if not text:
        return None
    value = None
    if _ISO_DATE.fullmatch(text):
        try:
            value = dt.datetime.fromisoformat(text.replace(",", "."))
        except ValueError:
            value = None
    if value is None:
        problems.append(ProgressProblem("bad_date", number, {"column": column, "value": shown(text)}))
        return None
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        problems.append(
            ProgressProblem(
                "date_out_of_range",
                number,
                {"column": column, "value": shown(text), "first": FIRST_YEAR, "last": LAST_YEAR},
            )
        )
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=MOROCCO)
    return value.astimezone(dt.UTC)


def _decimal(text: str) -> Decimal | None:
    if not _NUMBER.fullmatch(text.lstrip("+-")) or text.count("-") + text.count("+") > 1:
        return None
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern lets only numbers through
        return None


def _percent(number: int, text: str, problems: list[ProgressProblem]) -> int | None:
    if not text:
        problems.append(ProgressProblem("no_percent", number))
        return None
    if text.isascii() and text.isdigit() and len(text) <= 3:  # the usual case, read without a Decimal
        whole = int(text)
        if whole <= 100:
            return whole
    value = _decimal(text.removesuffix("%").strip())
    if value is None:
        problems.append(ProgressProblem("bad_percent", number, {"value": shown(text)}))
        return None
    if not 0 <= value <= 100:
        problems.append(ProgressProblem("percent_out_of_range", number, {"value": shown(text)}))
        return None
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _grade(number: int, text: str, problems: list[ProgressProblem]) -> Decimal | None:
    if not text or text == "-":  # Moodle writes "-" for no grade
        return None
    value = _decimal(text)
    if value is None:
        problems.append(ProgressProblem("bad_grade", number, {"value": shown(text)}))
        return None
    if not 0 <= value <= MAX_GRADE:
        problems.append(
            ProgressProblem("grade_out_of_range", number, {"value": shown(text), "maximum": MAX_GRADE})
        )
        return None
    return value.quantize(_CENT, rounding=ROUND_HALF_UP)


def _iso(moment: dt.datetime | None) -> str:
    return "" if moment is None else moment.isoformat()


def write_progress_file(lines: Iterable[ProgressLine]) -> bytes:
    """The report of these lines in the format :func:`parse_progress_file` reads (UTF-8, `,`, dates with offset)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for line in lines:
        writer.writerow(
            [
                line.username,
                _iso(line.first_access),
                line.completion_percent,
                "" if line.grade is None else f"{line.grade:.2f}",
                _iso(line.last_access),
            ]
        )
    return buffer.getvalue().encode("utf-8")
