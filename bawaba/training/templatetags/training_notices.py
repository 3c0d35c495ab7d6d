"""Filling a notice's text for its recipient: `{name}` placeholders from her message's values.

An unknown placeholder is left as it is (the staff form refuses texts that have one); the values are never
templates themselves, so a candidate's name cannot inject anything.
"""

import string
from typing import Any

from django import template
from django.utils.html import urlize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()


class _Values(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: dict[str, Any]) -> str:
    return string.Formatter().vformat(
        text, (), _Values({k: "" if v is None else v for k, v in values.items()})
    )


def _text(context: template.Context, part: str) -> str:
    texts = context.get("texts") or {}
    entry = texts.get(get_language()) or texts.get("ar") or {}
    message = context.get("message")
    values = dict(getattr(message, "context", None) or {})
    return fill(entry.get(part, ""), values)


@register.simple_tag(takes_context=True)
def notice_subject(context: template.Context) -> str:
    return " ".join(_text(context, "subject").split())


@register.simple_tag(takes_context=True)
def notice_text(context: template.Context) -> str:
    return _text(context, "body")


@register.simple_tag(takes_context=True)
def notice_html(context: template.Context) -> SafeString:
    """The body as paragraphs, its addresses as links; everything else escaped."""
    paragraphs = [p for p in _text(context, "body").split("\n\n") if p.strip()]
    html = "".join(
        "<p>" + "<br>".join(urlize(line, autoescape=True) for line in paragraph.split("\n")) + "</p>"
        for paragraph in paragraphs
    )
    return mark_safe(html)  # noqa: S308 - urlize escaped every line
