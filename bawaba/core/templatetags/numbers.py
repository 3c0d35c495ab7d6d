"""`{% load numbers %}` then `{{ count|number }}`: a count with the active language's separators
(bawaba.core.numbers). A value that is not a number is shown as it is."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from bawaba.core import numbers

register = template.Library()


@register.filter
def number(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return value
    return numbers.number(value, get_language())
