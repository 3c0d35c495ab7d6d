"""Constants and helpers for the account tests (fixtures are in conftest.py); `translated` serves every app."""

import re

from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, npgettext, pgettext, trans_real

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
    """Where sign-in leads without `next`: the portal's start, which sends staff to their home and candidates to
    their dashboard."""
    return url("portal:start", language)


def translated(
    message: str,
    language: str = "fr",
    *,
    plural: str | None = None,
    count: int | None = None,
    context: str | None = None,
    **params,
) -> str:
    """`message` (an msgid, as written in the code) in `language`, from the compiled catalogue, filled with `params`.

    The pages are translated, so a test compares with the wording of the page's language. A message the catalogue
    does not hold is refused: the test would otherwise compare with English and prove nothing on a French page.
    Give `plural` and `count` for a message with a plural form (`count` chooses the form; fill it in `params` too),
    `context` for one marked with a context (pgettext, `{% translate ... context ... %}`).
    """
    key = message if context is None else f"{context}\x04{message}"
    with translation.override(language):
        if language != "en" and not _in_catalogue(key, plural is not None):
            raise LookupError(f"not in the {language} catalogue: {key!r}")
        if plural is None:
            text = gettext(message) if context is None else pgettext(context, message)
        elif context is None:
            text = ngettext(message, plural, count)
        else:
            text = npgettext(context, message, plural, count)
    return text % params if params else text


def translated_html(message: str, language: str = "fr", **kwargs) -> str:
    """The same, as an HTML page shows it: escaped, like any text (and any value filled in) a template outputs.

    Not for the few messages whose translation holds markup (a template outputs those as they are).
    """
    return escape(translated(message, language, **kwargs))


def _in_catalogue(key: str, has_plural: bool) -> bool:
    catalogue = trans_real.translation(translation.get_language())._catalog
    return ((key, 0) if has_plural else key) in catalogue
