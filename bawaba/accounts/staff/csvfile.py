"""The staff file: one line per assignment, `email,full_name,language,role,scope`. Pure Python, no Django.

:func:`parse_staff_file` checks the WHOLE file and returns its lines, or raises :class:`StaffFileError` listing
every problem at once, each with its line number: a file with one faulty line imports nothing, and whoever fixes it
sees every mistake on the first try. A problem is structured (a code, its line, its parameters), not a sentence:
the pages translate it at the edge (`bawaba.accounts.staff.problems`), as the rules parser's problems are.

The file is what a spreadsheet saves as CSV: UTF-8 with or without a byte-order mark, `,` or `;` between the
columns (a French Excel writes `;`), the header on the first line. The scope depends on the role:

* `central_admin`: empty (national);
* `regional_coordinator`: one HCP region code (`04`);
* `provincial_supervisor`, `interviewer`: one or more HCP province codes separated by `;` (`04.281;04.291`; in a
  file whose columns are separated by `;`, the spreadsheet quotes that cell, which the parser reads);
* `administration_agent`: one administration code.

A person with two assignments takes two lines with the same address, name and language. Whether the codes exist,
and whether an address belongs to a candidate, is the database's part (`bawaba.accounts.staff.selectors`).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import TextIO

from bawaba.core.csv_upload import UTF8_BOM, delimiter_of, has_control_character, is_utf16, shown

__all__ = [
    "HEADER",
    "LANGUAGES",
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "PROBLEM_SENTENCES",
    "ROLES",
    "StaffFileError",
    "StaffFileProblem",
    "StaffLine",
    "parse_staff_file",
    "read_staff_file",
    "write_staff_file",
]


def gettext_noop(message: str) -> str:
    """Marks a sentence for makemessages (which looks for calls by this name) without importing Django."""
    return message


HEADER = ("email", "full_name", "language", "role", "scope")
# The roles of bawaba.accounts.models.Assignment.Role (a test holds them equal) and the kind of scope each takes.
NATIONAL, REGION, PROVINCES, ADMINISTRATION = "national", "region", "provinces", "administration"
ROLES: dict[str, str] = {
    "central_admin": NATIONAL,
    "regional_coordinator": REGION,
    "provincial_supervisor": PROVINCES,
    "interviewer": PROVINCES,
    "administration_agent": ADMINISTRATION,
}
LANGUAGES = ("ar", "fr", "en")
# Staff are counted in thousands at most (a supervisor or two per province, interviewers): the caps bound the work,
# and the list of problems, that a stray file can cause.
MAX_FILE_BYTES = 512 * 1024
MAX_LINES = 5_000
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 150
MAX_CODE_LENGTH = 40
MAX_PROVINCES = 100
SCOPE_SEPARATOR = ";"
# The shape of an address; the site's own validator checks it again with the codes (selectors.py).
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]*")

PROBLEM_SENTENCES: dict[str, str] = {
    "empty": gettext_noop("The file is empty."),
    "too_big": gettext_noop("The file is larger than %(maximum)s kB: it cannot be a file of staff."),
    "too_many_lines": gettext_noop("The file has more than %(maximum)s lines: it cannot be a file of staff."),
    "utf16": gettext_noop(
        "The file is saved as UTF-16 (“Unicode text”): save it as “CSV UTF-8 (comma delimited)” instead."
    ),
    "no_lines": gettext_noop("The file has no staff line under its header."),
    "header": gettext_noop(
        "Line %(line)s must be the header email,full_name,language,role,scope (with , or ; between the "
        "columns), not “%(found)s”."
    ),
    "encoding": gettext_noop(
        "Line %(line)s is not UTF-8 text: save the file as “CSV UTF-8 (comma delimited)”."
    ),
    "control_character": gettext_noop(
        "Line %(line)s holds an invisible control character (such as NUL): remove it."
    ),
    "malformed": gettext_noop("Line %(line)s is not a well-formed CSV line (check its quotes)."),
    "columns": gettext_noop(
        "Line %(line)s has %(count)s columns where 5 are expected: e-mail, full name, language, role, scope."
    ),
    "no_email": gettext_noop("Line %(line)s has no e-mail address."),
    "bad_email": gettext_noop("Line %(line)s: “%(email)s” is not an e-mail address."),
    "no_name": gettext_noop("Line %(line)s has no full name."),
    "name_too_long": gettext_noop("Line %(line)s: the full name is longer than %(maximum)s characters."),
    "bad_language": gettext_noop(
        "Line %(line)s: the language “%(language)s” is unknown (expected %(expected)s)."
    ),
    "bad_role": gettext_noop("Line %(line)s: the role “%(role)s” is unknown (expected %(expected)s)."),
    "scope_not_empty": gettext_noop(
        "Line %(line)s: a central administrator is national, so the scope must be empty (not “%(scope)s”)."
    ),
    "no_region": gettext_noop("Line %(line)s: the role %(role)s needs a region code in its scope."),
    "no_provinces": gettext_noop(
        "Line %(line)s: the role %(role)s needs one or more province codes in its scope, separated by ;."
    ),
    "no_administration": gettext_noop(
        "Line %(line)s: the role %(role)s needs an administration code in its scope."
    ),
    "one_code": gettext_noop(
        "Line %(line)s: the role %(role)s takes exactly one code in its scope, not %(count)s."
    ),
    "bad_code": gettext_noop("Line %(line)s: “%(code)s” is not a code."),
    "too_many_provinces": gettext_noop("Line %(line)s: more than %(maximum)s provinces in one scope."),
    "duplicate": gettext_noop("Line %(line)s repeats line %(first)s (the same person, role and scope)."),
    "conflict": gettext_noop(
        "Line %(line)s gives %(email)s another name or language than line %(first)s: write the same on both."
    ),
    # The database's checks (selectors.plan_import), in the same list and the same words.
    "unknown_region": gettext_noop("Line %(line)s: no region of the territory has the code “%(code)s”."),
    "unknown_province": gettext_noop("Line %(line)s: no province or prefecture has the code “%(code)s”."),
    "unknown_administration": gettext_noop("Line %(line)s: no administration has the code “%(code)s”."),
    "candidate_address": gettext_noop(
        "Line %(line)s: %(email)s belongs to a candidate's account, which cannot be made a staff account. "
        "Use another address for this person."
    ),
}


@dataclass(frozen=True)
class StaffFileProblem:
    """One problem of a staff file: a code of :data:`PROBLEM_SENTENCES`, its line (None for the whole file)."""

    code: str
    line: int | None = None
    params: dict[str, object] = field(default_factory=dict)

    @property
    def values(self) -> dict[str, object]:
        """The values of the sentence's placeholders, its line included."""
        return {"line": self.line, **self.params}


class StaffFileError(Exception):
    """The file cannot be imported; `problems` lists every reason, in the order of the file's lines."""

    def __init__(self, problems: list[StaffFileProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the staff file")
        self.problems = problems


@dataclass(frozen=True)
class StaffLine:
    """One assignment of one person, as the file gives it (addresses lower-cased, codes as written)."""

    line: int
    email: str
    full_name: str
    language: str
    role: str
    scope: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str, frozenset[str]]:
        """Who and what: two lines with the same key are the same assignment."""
        return (self.email, self.role, frozenset(self.scope))


def _decoded(data: bytes) -> str:
    if is_utf16(data):
        raise StaffFileError([StaffFileProblem("utf16")])
    data = data.removeprefix(UTF8_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    problems = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(StaffFileProblem("encoding", number))
    raise StaffFileError(problems)


def parse_staff_file(data: bytes) -> list[StaffLine]:
    """The file's lines, or StaffFileError with every problem (see the module for the format)."""
    lines, problems = read_staff_file(data)
    if problems:
        raise StaffFileError(problems)
    return lines


def read_staff_file(data: bytes) -> tuple[list[StaffLine], list[StaffFileProblem]]:
    """The well-formed lines and the problems of the others, so that the database's checks can run on the former
    and the page list every problem at once. A file that cannot be read at all raises StaffFileError."""
    if len(data) > MAX_FILE_BYTES:
        raise StaffFileError([StaffFileProblem("too_big", params={"maximum": MAX_FILE_BYTES // 1024})])
    text = _decoded(data)
    if not text.strip():
        raise StaffFileError([StaffFileProblem("empty")])
    first_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter_of(first_line), strict=True)
    problems: list[StaffFileProblem] = []
    lines: list[StaffLine] = []
    seen: dict[tuple, int] = {}
    people: dict[str, tuple[int, str, str]] = {}
    next_line = 1
    while True:
        number = next_line
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            problems.append(StaffFileProblem("malformed", number))
            break  # the reader cannot tell where the next line starts
        next_line = reader.line_num + 1
        if number > MAX_LINES + 1:
            raise StaffFileError([StaffFileProblem("too_many_lines", params={"maximum": MAX_LINES})])
        if number == 1:
            if tuple(cell.strip().lower() for cell in cells) != HEADER:
                raise StaffFileError([StaffFileProblem("header", 1, {"found": shown(first_line)})])
            continue
        if any(has_control_character(cell, tab_allowed=True) for cell in cells):
            problems.append(StaffFileProblem("control_character", number))
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank line, which spreadsheets leave at the end
        line = _line(number, cells, problems)
        if line is None:
            continue
        if line.key in seen:
            problems.append(StaffFileProblem("duplicate", number, {"first": seen[line.key]}))
            continue
        seen[line.key] = number
        first = people.setdefault(line.email, (number, line.full_name, line.language))
        if (first[1], first[2]) != (line.full_name, line.language):
            problems.append(StaffFileProblem("conflict", number, {"email": line.email, "first": first[0]}))
            continue
        lines.append(line)
    if not lines and not problems:
        raise StaffFileError([StaffFileProblem("no_lines")])
    return lines, problems


def _line(number: int, cells: list[str], problems: list[StaffFileProblem]) -> StaffLine | None:
    """One line's values, or None after adding its problems (every problem of the line, not just the first)."""
    if len(cells) != len(HEADER):
        problems.append(StaffFileProblem("columns", number, {"count": len(cells)}))
        return None
    email, full_name, language, role, scope_cell = (cell.strip() for cell in cells)
    email = email.lower()
    found: list[StaffFileProblem] = []
    if not email:
        found.append(StaffFileProblem("no_email", number))
    elif len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        found.append(StaffFileProblem("bad_email", number, {"email": shown(email)}))
    full_name = " ".join(full_name.split())
    if not full_name:
        found.append(StaffFileProblem("no_name", number))
    elif len(full_name) > MAX_NAME_LENGTH:
        found.append(StaffFileProblem("name_too_long", number, {"maximum": MAX_NAME_LENGTH}))
    language = language.lower()
    if language not in LANGUAGES:
        found.append(
            StaffFileProblem(
                "bad_language", number, {"language": shown(language), "expected": ", ".join(LANGUAGES)}
            )
        )
    scope = _scope(number, role, scope_cell, found)
    problems.extend(found)
    if found or scope is None:
        return None
    return StaffLine(number, email, full_name, language, role, scope)


def _scope(number: int, role: str, cell: str, found: list[StaffFileProblem]) -> tuple[str, ...] | None:
    kind = ROLES.get(role)
    if kind is None:
        found.append(
            StaffFileProblem("bad_role", number, {"role": shown(role), "expected": ", ".join(ROLES)})
        )
        return None
    codes = [code.strip() for code in cell.split(SCOPE_SEPARATOR) if code.strip()]
    if kind == NATIONAL:
        if codes:
            found.append(StaffFileProblem("scope_not_empty", number, {"scope": shown(cell)}))
            return None
        return ()
    if not codes:
        missing = {REGION: "no_region", PROVINCES: "no_provinces", ADMINISTRATION: "no_administration"}[kind]
        found.append(StaffFileProblem(missing, number, {"role": role}))
        return None
    if kind in (REGION, ADMINISTRATION) and len(codes) != 1:
        found.append(StaffFileProblem("one_code", number, {"role": role, "count": len(codes)}))
        return None
    if len(codes) > MAX_PROVINCES:
        found.append(StaffFileProblem("too_many_provinces", number, {"maximum": MAX_PROVINCES}))
        return None
    bad = [code for code in codes if len(code) > MAX_CODE_LENGTH or not _CODE.fullmatch(code)]
    for code in bad:
        found.append(StaffFileProblem("bad_code", number, {"code": shown(code)}))
    if bad:
        return None
    return tuple(sorted(set(codes)))


def write_staff_file(lines: list[StaffLine], out: TextIO, *, delimiter: str = ",") -> None:
    """Write lines in the format :func:`parse_staff_file` reads (the round trip the tests check)."""
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    for line in lines:
        writer.writerow(
            [line.email, line.full_name, line.language, line.role, SCOPE_SEPARATOR.join(line.scope)]
        )
