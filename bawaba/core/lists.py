"""How the site writes a list for a reader: "A، B وC" in Arabic, "A, B et C" in French, "A, B, and C" in English.

Arabic has its own comma (،, U+060C) and semicolon (؛, U+061B); a Latin comma in Arabic prose is a typographic
mistake that Arabic readers notice at once. The patterns are CLDR's list patterns (the "standard" list, with a
conjunction, and the "unit" list, without) for ar, fr and en, written out here because Babel, which ships them,
is not otherwise a dependency of the site. The Arabic "و" is joined to the word that follows it, as CLDR and
written Arabic do, except before a word in Latin script or a digit, where it stands apart ("و AB123").
"""

from collections.abc import Iterable

DEFAULT_LANGUAGE = "ar"

# (separator, final conjunction for 3+ items, conjunction for exactly 2 items)
AND_PATTERNS = {
    "ar": ("، ", " و", " و"),
    "fr": (", ", " et ", " et "),
    "en": (", ", ", and ", " and "),
}
COMMA = {"ar": "، ", "fr": ", ", "en": ", "}
SEMICOLON = {"ar": "؛ ", "fr": " ; ", "en": "; "}


def _language(language: str | None) -> str:
    code = (language or "").split("-")[0].lower()
    return code if code in AND_PATTERNS else DEFAULT_LANGUAGE


def _is_arabic_letter(character: str) -> bool:
    return "\u0600" <= character <= "\u06ff" or "\u0750" <= character <= "\u077f"


def _conjoin(conjunction: str, item: str) -> str:
    # "و" joins the Arabic word after it; before Latin letters or digits a space keeps the two scripts apart.
    if conjunction.endswith("و") and item and not _is_arabic_letter(item[0]):
        return f"{conjunction} {item}"
    return f"{conjunction}{item}"


def and_list(items: Iterable[object], language: str | None) -> str:
    """'A، B وC' (ar), 'A, B et C' (fr), 'A, B, and C' (en): every item, the last one joined by 'and'."""
    words = [str(item) for item in items]
    separator, final, pair = AND_PATTERNS[_language(language)]
    if len(words) < 2:
        return "".join(words)
    if len(words) == 2:
        return words[0] + _conjoin(pair, words[1])
    return separator.join(words[:-1]) + _conjoin(final, words[-1])


def comma_list(items: Iterable[object], language: str | None) -> str:
    """'A، B، C' (ar), 'A, B, C' (fr, en): a list without a conjunction, e.g. communes in order of preference."""
    return COMMA[_language(language)].join(str(item) for item in items)


def semicolon_list(items: Iterable[object], language: str | None) -> str:
    """'A؛ B' (ar), 'A ; B' (fr), 'A; B' (en): items that hold commas or colons of their own."""
    return SEMICOLON[_language(language)].join(str(item) for item in items)
