"""Arabic-aware text helpers, so that a search finds a name however its writer spelled the letters."""

import re
import unicodedata

# Harakat, tanween, shadda, sukun, superscript alef and Quranic marks: optional in everyday writing.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]")
_TATWEEL = "\u0640"
# Letters people write interchangeably: hamza carriers of alef, alef maqsura / ya, ta marbuta / ha.
_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0622": "\u0627",  # آ -> ا
        "\u0671": "\u0627",  # ٱ -> ا
        "\u0649": "\u064a",  # ى -> ي
        "\u0629": "\u0647",  # ة -> ه
        "\u0624": "\u0648",  # ؤ -> و
        "\u0626": "\u064a",  # ئ -> ي
    }
)
_SPACES = re.compile(r"\s+")


def normalize_for_search(text: str) -> str:
    """Fold a name (Arabic or Latin script) to the form we index and compare: case, accents, Arabic variants."""
    text = unicodedata.normalize("NFKC", text or "")
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "").translate(_FOLD)
    # Latin accents (é, ï) fold to their base letter; Arabic letters have no combining marks left at this point.
    decomposed = unicodedata.normalize("NFD", text)
    text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", text).strip().casefold()
