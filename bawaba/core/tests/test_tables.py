"""No table widens a page (issue 11): every <table> of every template either stacks into cards on a phone
(class "table--stack", its cells named by data-label) or sits in its own scrolling box (a focusable
<div class="table-scroll" role="region" tabindex="0">). The browser tests measure the pages they visit; this
catches a table on a page they do not visit."""

import re
from pathlib import Path

import bawaba

TEMPLATES = Path(bawaba.__file__).parent
TABLE = re.compile(r"<table\b([^>]*)>")
# The last tag opened before the table, template tags and comments left out.
LAST_TAG = re.compile(r"<(?!/)(?!!)[a-z][^>]*>\s*$")
TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)


PRINTED = '{% extends "core/print/base.html" %}'


def _tables():
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        if text.startswith(PRINTED):
            continue  # an A4 document laid out by WeasyPrint (bawaba.core.pdf), never shown on a phone
        for match in TABLE.finditer(text):
            before = TEMPLATE_SYNTAX.sub("", text[: match.start()]).rstrip()
            opened = LAST_TAG.search(before)
            yield path.relative_to(TEMPLATES), match.group(1), opened.group(0) if opened else ""


def test_every_table_stacks_on_a_phone_or_scrolls_in_its_own_focusable_box():
    tables = list(_tables())
    assert len(tables) > 20  # the walk found the site's tables
    loose = [
        f"{path}: <table{attributes}>"
        for path, attributes, opened in tables
        if "table--stack" not in attributes
        and not ('class="table-scroll"' in opened and 'role="region"' in opened and 'tabindex="0"' in opened)
    ]
    assert not loose, "Tables that could widen a page on a phone:\n" + "\n".join(loose)


def test_a_stacked_table_names_each_data_cell():
    """A stacked table's cells show their column's name on a phone: every <td> of its rows has data-label, but
    for a row saying there is nothing (colspan)."""
    unnamed = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for table in re.finditer(r'<table class="table--stack[^>]*>(.*?)</table>', text, re.S):
            for cell in re.finditer(r"<td\b([^>]*)>", table.group(1)):
                if "data-label" not in cell.group(1) and "colspan" not in cell.group(1):
                    unnamed.append(f"{path.relative_to(TEMPLATES)}: <td{cell.group(1)}>")
    assert not unnamed, "Cells of stacked tables without data-label:\n" + "\n".join(unnamed)
