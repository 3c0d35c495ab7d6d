"""The one rule for names kept in several languages: Arabic on Arabic pages, French (the HCP transliteration,
the administration's Latin spelling) otherwise.

Anything with `name_ar` / `name_fr` attributes (territory and administration rows, a report's figures) or
`title_*` (campaigns) reads it through `localised`; queries that order or read names by field use
`localised_field`.
"""

from django.utils.translation import get_language


def prefers_arabic() -> bool:
    """True on Arabic pages (and when no language is active: Arabic is the site's default)."""
    return (get_language() or "ar").startswith("ar")


def _order() -> tuple[str, ...]:
    language = (get_language() or "ar")[:2]
    # The page's own language first; then Arabic for an Arabic reader, French for everyone else.
    return (language, "ar", "fr") if language == "ar" else (language, "fr", "ar")


def localised(obj: object, prefix: str = "name") -> str:
    """The field `<prefix>_<language>` of `obj` in the active language, or the first non-empty fallback."""
    for code in _order():
        value = getattr(obj, f"{prefix}_{code}", "")
        if value:
            return value
    return ""


def localised_field(prefix: str = "name") -> str:
    """The field to order by or read for the active language, where only Arabic and French exist."""
    return f"{prefix}_ar" if prefers_arabic() else f"{prefix}_fr"
