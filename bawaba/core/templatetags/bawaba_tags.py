"""Small template helpers for the site's frame."""

from django import template
from django.urls import translate_url
from django.utils.text import capfirst
from django.utils.translation import get_language_info

register = template.Library()

# Each language named in itself, as a speaker of it would write it on a button. Django's own table spells Arabic
# with a shadda (العربيّة) and French in lower case; these are the forms Moroccan administrations use.
NATIVE_NAMES = {"ar": "العربية", "fr": "Français", "en": "English"}


@register.filter
def native_language_name(code: str) -> str:
    """The language's name in that language: 'العربية' for ar, 'Français' for fr."""
    return NATIVE_NAMES.get(code) or capfirst(get_language_info(code)["name_local"])


@register.simple_tag(takes_context=True)
def current_url_in(context: template.Context, language_code: str) -> str:
    """This page's URL in another language ('/ar/x/?page=2' -> '/fr/x/?page=2'), for the language switcher.

    It is worked out while rendering, when the active language is the page's own: Django's set_language can only
    translate a URL whose prefix matches the language active during *its* request, which comes from the cookie or
    the browser's Accept-Language and so may differ from the page the visitor was on.
    """
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language_code)
