"""Filling a notice's text for its recipient: `{name}` placeholders from her message's values.

An unknown placeholder is left as it is (the staff form refuses texts that have one); the values are never
templates themselves, so a candidate's name cannot inject anything.
"""

import string
from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from bawaba.accounts.permissions import is_central_admin

register = template.Library()


def _segments(text: str, values: Mapping[str, Any]) -> list[tuple[bool, str]]:
    """`text` cut into (is_value, text) pieces: what was written, and each `{name}` of `values` filled in.

    Python's own str.format would read `{first_name.__class__}` as an attribute: here a field is only ever a name
    looked up in `values`; anything else between braces stays as written, and a text whose braces do not parse
    is left whole.
    """
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return [(False, text)]
    pieces: list[tuple[bool, str]] = []
    for literal, field, spec, conversion in parts:
        if literal:
            pieces.append((False, literal))
        if field is None:
            continue
        if field in values and not spec and not conversion:
            value = values[field]
            pieces.append((True, "" if value is None else str(value)))
        else:
            written = (
                "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            )
            pieces.append((False, written))
    return pieces


def fill(text: str, values: Mapping[str, Any]) -> str:
    """`text` with its placeholders filled from `values` (see _segments)."""
    return "".join(piece for _is_value, piece in _segments(text, values))


def fill_html(text: str, values: Mapping[str, Any]) -> SafeString:
    """The filled text as paragraphs (a blank line between them), its addresses as links, everything escaped.

    Each value is isolated in `<bdi>`: an address or a password inside an Arabic sentence keeps its own direction
    and does not reorder the words around it.
    """
    lines: list[list[str]] = [[]]
    for is_value, piece in _segments(text, values):
        for index, part in enumerate(piece.split("\n")):
            if index:
                lines.append([])
            if not part:
                continue
            html = urlize(part, autoescape=True)
            lines[-1].append(f"<bdi>{html}</bdi>" if is_value else html)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        content = "".join(line)
        if content.strip():
            paragraphs[-1].append(content)
        elif paragraphs[-1]:
            paragraphs.append([])
    return mark_safe(  # noqa: S308 - every piece went through urlize(autoescape=True)
        "".join("<p>" + "<br>".join(paragraph) + "</p>" for paragraph in paragraphs if paragraph)
    )


def _entry(context: template.Context) -> tuple[dict[str, str], dict[str, Any]]:
    texts = context.get("texts") or {}
    entry = texts.get(get_language()) or texts.get("ar") or {}
    message = context.get("message")
    return entry, dict(getattr(message, "context", None) or {})


@register.simple_tag(takes_context=True)
def notice_subject(context: template.Context) -> str:
    entry, values = _entry(context)
    return " ".join(fill(entry.get("subject", ""), values).split())


@register.simple_tag(takes_context=True)
def notice_text(context: template.Context) -> str:
    entry, values = _entry(context)
    return fill(entry.get("body", ""), values)


@register.simple_tag(takes_context=True)
def notice_html(context: template.Context) -> SafeString:
    entry, values = _entry(context)
    return fill_html(entry.get("body", ""), values)


@register.filter
def edits_notices(user: Any) -> bool:
    """Whether `user` may open the notices pages (the central administrator): the campaigns page shows the link
    only to her."""
    return is_central_admin(user)
