"""The site's date filters: `{% load dates %}` then `{{ value|day }}`, `|clock`, `|day_time`, `|iso`...

Every page and e-mail writes dates through these (a test fails on a `|date:` or `|time:` left in a template):
they speak the active language, with Morocco's month names in Arabic, in Morocco's time (bawaba.core.dates).
An empty value gives an empty text, so `|default:"—"` still works after them.
"""

import datetime as dt

from django import template
from django.utils.translation import get_language

from bawaba.core import dates

register = template.Library()


@register.filter
def day(value: object) -> str:
    return dates.day(value, get_language()) if isinstance(value, dt.date) else ""


@register.filter
def clock(value: object) -> str:
    return dates.clock(value) if isinstance(value, dt.datetime | dt.time) else ""


@register.filter
def day_time(value: object) -> str:
    return dates.day_time(value, get_language()) if isinstance(value, dt.datetime) else ""


@register.filter
def day_month(value: object) -> str:
    return dates.day_month(value) if isinstance(value, dt.date) else ""


@register.filter
def iso_day(value: object) -> str:
    return dates.iso_day(value) if isinstance(value, dt.date) else ""


@register.filter
def iso(value: object) -> str:
    return dates.iso(value) if isinstance(value, dt.date) else ""


@register.simple_tag
def day_range(start: object, end: object) -> str:
    """`{% day_range stage.starts_on stage.ends_on %}`: 'du 7 février 2024 au 9 mars 2024'."""
    if not (isinstance(start, dt.date) and isinstance(end, dt.date)):
        return ""
    return dates.day_range(start, end, get_language())
