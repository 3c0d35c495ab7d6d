"""`{% load indicator_figures %}` then `{{ value|percent }}`: a whole percentage in the reader's language ("172 %"
in French, with the narrow no-break space French typography puts before it; "172%" in Arabic and English), or a
dash when it cannot be computed (nothing to divide by)."""

from django import template
from django.utils.translation import get_language

from bawaba.core import numbers

register = template.Library()

NARROW_NO_BREAK_SPACE = "\u202f"


@register.filter
def percent(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, int):
        return "—"
    language = get_language() or ""
    space = NARROW_NO_BREAK_SPACE if language.startswith("fr") else ""
    return f"{numbers.number(value, language)}{space}%"
