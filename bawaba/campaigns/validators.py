"""Pure checks and normalisers for what a candidate types: no database, no request, no translation.
The CIN has its own module, bawaba.core.cin, shared with the staff search.

Each normaliser returns the one canonical form we store and compare (so that "06 12 34 56 78" and "+212612345678"
are the same number), or raises `ValueError` when the text cannot be such a value. The forms
turn that into a message in the candidate's language.
"""

import re
import unicodedata

from bawaba.core.cin import compact as _compact

__all__ = [
    "clean_name",
    "is_arabic_name",
    "is_latin_name",
    "normalise_moroccan_mobile",
]

# A Moroccan mobile number, national significant part: 6 or 7 then eight digits (ANRT numbering plan; 5 is fixed
# lines, 8 is VoIP and special numbers). Stored in E.164: +212 then those nine digits.
MOBILE_PATTERN = re.compile(r"^[67][0-9]{8}$")
COUNTRY_CODE = "212"

# Letters of the Arabic script (Arabic, Arabic Supplement, Extended-A, presentation forms) and the marks that
# may come with them; names add spaces, hyphens and apostrophes ("آيت بن عبد الله", "Aït-M'Barek").
_ARABIC_LETTER = (
    "[\u0621-\u063a\u0640-\u065f\u0670-\u06d3\u06d5\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)
_ARABIC_NAME = re.compile(rf"^{_ARABIC_LETTER}+(?:[ '\u2019-]{_ARABIC_LETTER}+)*$")
_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[ '\u2019-][A-Za-zÀ-ÖØ-öø-ÿ]+)*$")
_SPACES = re.compile(r"\s+")


def normalise_moroccan_mobile(value: str) -> str:
    """The mobile number in E.164 ("06 12 34 56 78", "00212 612...", "+212 (0)6..." -> "+212612345678").

    ValueError if it is not a Moroccan mobile number (a fixed line, a foreign number, too short or too long).
    """
    compact = _compact(value)
    if compact.startswith("+"):
        if not compact.startswith("+" + COUNTRY_CODE):
            raise ValueError("not a Moroccan number")
        national = compact[1 + len(COUNTRY_CODE) :]
    elif compact.startswith("00" + COUNTRY_CODE):
        national = compact[2 + len(COUNTRY_CODE) :]
    elif compact.startswith(COUNTRY_CODE) and len(compact) in (12, 13):
        national = compact[len(COUNTRY_CODE) :]
    else:
        national = compact
    # The trunk prefix 0 is dialled at home and often kept after the country code: "+212 (0)6 ...".
    if len(national) == 10 and national.startswith("0"):
        national = national[1:]
    if not national.isascii() or not MOBILE_PATTERN.match(national):
        raise ValueError("not a Moroccan mobile number")
    return f"+{COUNTRY_CODE}{national}"


def clean_name(value: str) -> str:
    """A name as we store it: NFC, single spaces, no spaces at the ends."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def is_arabic_name(value: str) -> bool:
    """True when the (cleaned) name is written in Arabic script only."""
    return bool(_ARABIC_NAME.match(value))


def is_latin_name(value: str) -> bool:
    """True when the (cleaned) name is written in Latin letters only (accents allowed: "Aït", "Zoé")."""
    return bool(_LATIN_NAME.match(value))
