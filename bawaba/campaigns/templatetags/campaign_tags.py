"""Template helpers of the candidate pages."""

from django import template

from bawaba.campaigns.models import Application

register = template.Library()

_LANGUAGE_LABELS = dict(Application.Language.choices)


@register.filter
def language_names(codes: list[str]) -> list[str]:
    """The declared languages' names in the page's language, in the form's order ("ar", "shi" -> Arabic, ...)."""
    return [str(_LANGUAGE_LABELS[code]) for code in codes or [] if code in _LANGUAGE_LABELS]
