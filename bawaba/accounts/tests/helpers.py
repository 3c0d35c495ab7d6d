"""Constants and small helpers shared by the account tests (fixtures are in conftest.py)."""

import re

from django.urls import NoReverseMatch, reverse
from django.utils import translation

PASSWORD = "correct horse battery staple"  # the factories' password
NEW_PASSWORD = "saffron minaret ledger 42"
CONFIRM_LINK = re.compile(r"http://testserver/(?:ar|fr|en)/accounts/confirm/[^/\s]+/")
RESET_LINK = re.compile(r"http://testserver/(?:ar|fr|en)/accounts/password/reset/[^/\s]+/[^/\s]+/")


def url(name: str, language: str = "fr", **kwargs) -> str:
    """A page's path in a language (the French pages unless a test says otherwise)."""
    with translation.override(language):
        return reverse(name, kwargs=kwargs or None)


def same_page(html: str, email: str) -> str:
    """The page without what may differ between two visitors: the address typed and the masked CSRF tokens."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html.replace(email, "EMAIL"))


def link_in(message, pattern: re.Pattern = CONFIRM_LINK) -> str:
    return pattern.search(message.body).group(0)


def landing(language: str = "fr") -> str:
    """Where sign-in leads without `next`: the candidate dashboard, or the home page while it does not exist."""
    try:
        return url("campaigns:dashboard", language)
    except NoReverseMatch:
        return url("core:home", language)
