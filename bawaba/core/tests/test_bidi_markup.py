"""Latin values in a right-to-left page (and Arabic ones in a left-to-right page) are isolated so nothing reorders,
and stay at the start edge next to their label: checked on the templates' markup.

Two rules. (1) Direction goes on an inline `<bdi>` (or a `<span>`/`<code>` with `dir`) inside a table cell,
a description value or a heading, never on the cell itself: `<dd dir="ltr">` in an Arabic page aligns its text to
the left, a page's width away from its label (issue 11). (2) Every value that is Latin whatever the page's
language (e-mail, CIN, phone, Latin-script name, code, slug, digest, seed, reference) is inside such an isolate.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# E-mails are laid out by mail clients, with their own markup (core/email/base.html); the browser tests do not see
# them and their inline styles are on purpose.
TEMPLATES = sorted(
    path for path in (ROOT / "bawaba").glob("*/templates/**/*.html") if "/email/" not in path.as_posix()
)

CELL_WITH_DIRECTION = re.compile(r"<(dd|dt|td|th|h[1-6]|li)\b[^>]*\sdir=")
LATIN_VALUE = re.compile(
    r"\{\{\s*[\w.]*(?:email|\bcin|phone|_latin|\.code|slug|digest|seed|reference|recipients|sender)\b[^}]*\}\}"
)
ISOLATE_OPEN = re.compile(r"<(bdi|span|code|a|pre|p)\b([^>]*)>")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_no_cell_value_or_heading_carries_a_direction_of_its_own(path):
    offenders = [line.strip() for line in path.read_text().splitlines() if CELL_WITH_DIRECTION.search(line)]
    assert not offenders, offenders


def _isolated(line: str, start: int) -> bool:
    """Whether the value at `start` sits inside an element opened earlier on its line with `dir` (or a <bdi>)."""
    for opening in reversed(list(ISOLATE_OPEN.finditer(line, 0, start))):
        tag, attributes = opening[1], opening[2]
        if f"</{tag}>" in line[opening.end() : start]:
            continue  # closed before the value
        if tag == "bdi" or "dir=" in attributes:
            return True
    return False


def _not_markup(line: str, start: int) -> bool:
    """In an attribute, a URL's query, the page's <title> (plain text) or a form field (the widget's own markup)."""
    before = line[:start]
    in_title = (
        "{% block title %}" in before and "{% endblock %}" not in before[before.index("{% block title %}") :]
    )
    in_tag = before.rfind("<") > before.rfind(">")
    return (
        in_tag or in_title or before.endswith("?") or re.match(r"\{\{\s*\w*form\.", line[start:]) is not None
    )


@pytest.mark.parametrize("path", TEMPLATES, ids=_rel)
def test_every_latin_value_is_isolated(path):
    offenders = []
    for line in path.read_text().splitlines():
        for value in LATIN_VALUE.finditer(line):
            if not (_not_markup(line, value.start()) or _isolated(line, value.start())):
                offenders.append(value[0])
    assert not offenders, offenders
