"""The needs file: one line per commune and stage, `commune_code,stage,need`. Pure Python, no Django.

:func:`parse_needs_file` checks the WHOLE file and returns its lines, or raises :class:`NeedsFileError` listing
every problem at once, each with its line number: a file with one faulty line imports nothing, and whoever fixes
it sees every mistake on the first try. A problem is structured (a code, its line, its parameters), not a sentence:
the pages translate it at the edge (`bawaba.campaigns.needs.problems`), as the rules parser's problems are.

The file is what a spreadsheet saves as CSV: UTF-8 with or without a byte-order mark, `,` or `;` between the
columns (a French Excel writes `;`), the header on the first line. :func:`write_needs_file` writes the same format,
so an exported file imports back unchanged.
"""

import csv
import io
import re
from collections.abc import Collection, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from bawaba.core.csv_upload import UTF8_BOM, data_rows, is_utf16, shown, text_lines

__all__ = [
    "HEADER",
    "MAX_FILE_BYTES",
    "MAX_LINES",
    "MAX_NEED",
    "PROBLEM_SENTENCES",
    "NeedLine",
    "NeedsChange",
    "NeedsFileError",
    "NeedsProblem",
    "compare_needs",
    "needs_file_bytes",
    "parse_needs_file",
    "write_needs_file",
]


def gettext_noop(message: str) -> str:
    """Marks a sentence for makemessages (which looks for calls by this name) without importing Django."""
    return message


HEADER = ("commune_code", "stage", "need")
# A whole census is 1,503 communes x 2 stages, about 70 kB: the caps leave ample room and bound the work (and the
# list of problems) a stray file can cause.
MAX_FILE_BYTES = 1024 * 1024
MAX_LINES = 10_000
# The largest commune of the 2024 census needed a few thousand people; a need beyond this is a typing mistake.
MAX_NEED = 100_000
_SIGNED_WHOLE = re.compile(r"[+-]?[0-9]+")

PROBLEM_SENTENCES: dict[str, str] = {
    "empty": gettext_noop("The file is empty."),
    "too_big": gettext_noop("The file is larger than %(maximum)s kB: it cannot be a file of needs."),
    "too_many_lines": gettext_noop("The file has more than %(maximum)s lines: it cannot be a file of needs."),
    "utf16": gettext_noop(
        "The file is saved as UTF-16 (“Unicode text”): save it as “CSV UTF-8 (comma delimited)” instead."
    ),
    "no_needs": gettext_noop("The file has no line of needs under its header."),
    "header": gettext_noop(
        "Line %(line)s must be the header commune_code,stage,need (with , or ; between the columns), not "
        "“%(found)s”."
    ),
    "encoding": gettext_noop(
        "Line %(line)s is not UTF-8 text: save the file as “CSV UTF-8 (comma delimited)”."
    ),
    "control_character": gettext_noop(
        "Line %(line)s holds an invisible control character (such as NUL): remove it."
    ),
    "malformed": gettext_noop("Line %(line)s is not a well-formed CSV line (check its quotes)."),
    "columns": gettext_noop(
        "Line %(line)s has %(count)s columns where 3 are expected: commune code, stage, need."
    ),
    "no_commune": gettext_noop("Line %(line)s has no commune code."),
    "unknown_commune": gettext_noop("Line %(line)s: no commune of the territory has the code “%(code)s”."),
    "unknown_stage": gettext_noop("Line %(line)s: the stage “%(stage)s” is unknown (expected %(expected)s)."),
    "need_not_whole": gettext_noop("Line %(line)s: the need “%(value)s” is not a whole number."),
    "need_not_positive": gettext_noop(
        "Line %(line)s: the need is %(value)s; it must be at least 1 (leave out a commune that needs nobody)."
    ),
    "need_too_large": gettext_noop("Line %(line)s: the need %(value)s is more than %(maximum)s."),
    "duplicate": gettext_noop(
        "Line %(line)s gives commune %(code)s at stage %(stage)s again (already on line %(first)s)."
    ),
}


@dataclass(frozen=True)
class NeedsProblem:
    """One problem of a needs file: a code of :data:`PROBLEM_SENTENCES`, its line (None: the whole file), the values
    of its placeholders."""

    code: str
    line: int | None = None
    params: Mapping[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in PROBLEM_SENTENCES:
            raise ValueError(f"unknown needs file problem {self.code!r}")

    @property
    def values(self) -> dict[str, object]:
        """The sentence's placeholders, the line included."""
        return {**self.params, "line": self.line}

    def __str__(self) -> str:
        """The English sentence (logs, tests); `bawaba.campaigns.needs.problems` translates it."""
        return PROBLEM_SENTENCES[self.code] % self.values


class NeedsFileError(ValueError):
    """The file cannot be imported; ``problems`` lists every problem found, in the order of the file."""

    def __init__(self, problems: Iterable[NeedsProblem]) -> None:
        self.problems = list(problems)
        super().__init__(" ".join(str(problem) for problem in self.problems))


@dataclass(frozen=True)
class NeedLine:
    """A valid line of the file: the need of one commune (by HCP code) at one stage."""

    line: int
    commune_code: str
    stage: str
    need: int


def parse_needs_file(
    data: bytes, *, commune_codes: Collection[str], stages: Collection[str]
) -> tuple[NeedLine, ...]:
    """The lines of a needs file, all of them valid; NeedsFileError with every problem otherwise.

    `commune_codes` are the territory's HCP codes, `stages` the stage codes a need may have. Blank lines (a
    spreadsheet's empty rows, `,,` included) are skipped. Stage codes are read without case.
    """
    if len(data) > MAX_FILE_BYTES:
        raise NeedsFileError([NeedsProblem("too_big", params={"maximum": MAX_FILE_BYTES // 1024})])
    if is_utf16(data):
        raise NeedsFileError([NeedsProblem("utf16")])
    data = data.removeprefix(UTF8_BOM)
    if not data.strip():
        raise NeedsFileError([NeedsProblem("empty")])
    lines = text_lines(data)
    if len(lines) > MAX_LINES:
        raise NeedsFileError([NeedsProblem("too_many_lines", params={"maximum": MAX_LINES})])

    problems: list[NeedsProblem] = []
    parsed: list[NeedLine] = []
    first_seen: dict[tuple[str, str], int] = {}
    known_stages = {stage.lower() for stage in stages}
    expected_stages = ", ".join(sorted(known_stages))

    def report(code: str, number: int, params: Mapping[str, object]) -> None:
        problems.append(NeedsProblem(code, number, params))

    for number, cells in data_rows(lines, header=HEADER, report=report):
        if cells is None:
            continue
        line = _check_line(number, cells, commune_codes, known_stages, expected_stages, problems)
        if line is None:
            continue
        key = (line.commune_code, line.stage)
        if key in first_seen:
            problems.append(
                NeedsProblem(
                    "duplicate",
                    number,
                    {"code": line.commune_code, "stage": line.stage, "first": first_seen[key]},
                )
            )
            continue
        first_seen[key] = number
        parsed.append(line)
    if not problems and not parsed:
        problems.append(NeedsProblem("no_needs"))
    if problems:
        raise NeedsFileError(problems)
    return tuple(parsed)


def _check_line(
    number: int,
    cells: list[str],
    commune_codes: Collection[str],
    known_stages: set[str],
    expected_stages: str,
    problems: list[NeedsProblem],
) -> NeedLine | None:
    """The line's need, or None after adding its problems (every problem of the line, not only the first)."""
    if len(cells) != len(HEADER):
        problems.append(NeedsProblem("columns", number, {"count": len(cells)}))
        return None
    code, stage, value = cells
    found = len(problems)
    if not code:
        problems.append(NeedsProblem("no_commune", number))
    elif code not in commune_codes:
        problems.append(NeedsProblem("unknown_commune", number, {"code": shown(code)}))
    stage = stage.lower()
    if stage not in known_stages:
        problems.append(
            NeedsProblem("unknown_stage", number, {"stage": shown(stage), "expected": expected_stages})
        )
    need = _need(number, value, problems)
    if len(problems) > found or need is None:
        return None
    return NeedLine(number, code, stage, need)


def _need(number: int, value: str, problems: list[NeedsProblem]) -> int | None:
    # ASCII digits only: a need is typed or computed, and int() would also take Arabic-Indic digits or "1_000".
    if not _SIGNED_WHOLE.fullmatch(value):
        problems.append(NeedsProblem("need_not_whole", number, {"value": shown(value)}))
        return None
    digits = value.lstrip("+-").lstrip("0") or "0"
    if value.startswith("-") or digits == "0":
        problems.append(NeedsProblem("need_not_positive", number, {"value": shown(value)}))
        return None
    # Compared as text first: a thousand-digit number is not converted to find it too large.
    if len(digits) > len(str(MAX_NEED)) or int(digits) > MAX_NEED:
        problems.append(NeedsProblem("need_too_large", number, {"value": shown(value), "maximum": MAX_NEED}))
        return None
    return int(digits)


class TextOutput(Protocol):
    """Where a file is written: a text file, a StringIO, a Django HttpResponse."""

    def write(self, text: str, /) -> object: ...


def write_needs_file(out: TextOutput, needs: Iterable[tuple[str, str, int]]) -> None:
    """Write needs as (commune code, stage, need) in the file format, header first: what the import reads back."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(needs)


def needs_file_bytes(needs: Iterable[tuple[str, str, int]]) -> bytes:
    """The file of `needs`, as UTF-8 bytes with the byte-order mark spreadsheets want (see core.csv_response)."""
    out = io.StringIO()
    write_needs_file(out, needs)
    return UTF8_BOM + out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class NeedsChange:
    """What replacing the needs of some stages by a file's does: rows added, changed, removed, left as they are."""

    added: int
    changed: int
    removed: int
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


CommuneKey = TypeVar("CommuneKey", bound=Hashable)


def compare_needs(
    current: Mapping[tuple[CommuneKey, str], int],
    incoming: Mapping[tuple[CommuneKey, str], int],
    *,
    stages: Collection[str],
) -> NeedsChange:
    """How `incoming` (keyed by commune and stage) differs from `current` over `stages`; other stages are kept."""
    kept = {key: need for key, need in current.items() if key[1] in stages}
    added = sum(1 for key in incoming if key not in kept)
    changed = sum(1 for key, need in incoming.items() if key in kept and kept[key] != need)
    removed = sum(1 for key in kept if key not in incoming)
    return NeedsChange(
        added=added, changed=changed, removed=removed, unchanged=len(incoming) - added - changed
    )
