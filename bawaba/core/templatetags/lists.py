"""`{% load lists %}` then `{{ languages|and_list }}` or `{{ communes|comma_list }}`: a list in the active language,
with its own comma and conjunction (bawaba.core.lists). The result is plain text, escaped by the template."""

from collections.abc import Iterable

from django import template
from django.utils.translation import get_language

from bawaba.core import lists

register = template.Library()


@register.filter
def and_list(items: Iterable[object]) -> str:
    return lists.and_list(items, get_language())


@register.filter
def comma_list(items: Iterable[object]) -> str:
    return lists.comma_list(items, get_language())
