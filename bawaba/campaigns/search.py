"""The folded form of an application's names that the staff search matches (Application.search_name).

Pure functions, no database: services call `search_name_for` whenever they write names, the reindex command and
the demo's bulk writer call it for rows written without it.
"""

from bawaba.core.text import normalize_for_search

# Application.search_name's max_length: four names of 80 characters fit with room to spare, but NFKC expands a few
# presentation forms (one ligature becomes 18 letters), so the result is cut to fit rather than fail to save.
MAX_LENGTH = 400


def search_name_for(first_ar: str, last_ar: str, first_latin: str, last_latin: str) -> str:
    """The four names, Arabic then Latin script, folded for search and joined by single spaces."""
    names = " ".join((first_ar or "", last_ar or "", first_latin or "", last_latin or ""))
    return normalize_for_search(names)[:MAX_LENGTH].rstrip()


def search_words(query: str) -> list[str]:
    """The distinct words of a name query, folded the same way as search_name, in their order of appearance."""
    return list(dict.fromkeys(normalize_for_search(query).split()))
