"""Reading the dashboard's tables back from its HTML, as a reader (or a screen reader) gets them: each table by its
id, each line by its code (`data-code`), its cells as numbers ("1 234", "172 %", "—" read as None)."""

from html.parser import HTMLParser

_SPACES = str.maketrans("", "", " \u202f\u00a0.%")


def number(text: str) -> int | None:
    """A figure as the page writes it in French or Arabic ("1 234", "1.234", "245 %", "245%"); None for "—"."""
    text = text.strip()
    return None if text == "—" else int(text.translate(_SPACES))


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, dict[str, list[str]]] = {}
        self.headers: dict[str, list[str]] = {}
        self.table: str | None = None
        self.code: str | None = None
        self.in_head = False
        self.cell: list[str] | None = None
        self.cells: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and attributes.get("id"):
            self.table = attributes["id"]
            self.tables[self.table] = {}
            self.headers[self.table] = []
        elif self.table is None:
            return
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.code, self.cells = attributes.get("data-code"), []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if self.table is None:
            return
        if tag in ("td", "th") and self.cell is not None:
            self.cells.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr":
            if self.in_head:
                self.headers[self.table] = self.cells
            elif self.code is not None:
                self.tables[self.table][self.code] = self.cells
        elif tag == "thead":
            self.in_head = False
        elif tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> tuple[dict[str, dict[str, list[str]]], dict[str, list[str]]]:
    """({table id: {line code: [label, cell texts...]}}, {table id: [column headings]}); the total's code is
    "total"."""
    parser = _Tables()
    parser.feed(html)
    return parser.tables, parser.headers


def figures(html: str) -> dict[str, dict[str, list[int | None]]]:
    """{section key: {line code: [figures...]}}, the label left out."""
    tables, _ = page_tables(html)
    return {
        table.removesuffix("-table"): {
            code: [number(cell) for cell in cells[1:]] for code, cells in lines.items()
        }
        for table, lines in tables.items()
        if table.endswith("-table")
    }
