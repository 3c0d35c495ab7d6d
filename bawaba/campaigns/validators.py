"""Pure checks and normalisers for what a candidate types: no database, no request, no translation.

Each normaliser returns the one canonical form we store and compare (so that "ab 123456" and "AB123456" are the
same CIN for the uniqueness constraint), or raises `ValueError` when the text cannot be such a value. The forms
turn that into a message in the candidate's language.
"""

import re
import unicodedata

# The national ID card number (CIN / CNIE): the letters of the issuing office (one or two: "A", "BE", "JK"), then
# the serial number. Cards in circulation have up to six digits after two letters and up to seven after one;
# older cards may have fewer, so the only lower bound is one digit.
CIN_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9]{1,7}$")
CIN_MAX_LENGTH = 9

# A Moroccan mobile number, national significant part: 6 or 7 then eight digits (ANRT numbering plan; 5 is fixed
# lines, 8 is VoIP and special numbers). Stored in E.164: +212 then those nine digits.
MOBILE_PATTERN = re.compile(r"^[67][0-9]{8}$")
COUNTRY_CODE = "212"

# What people put between groups of characters: spaces (of any kind), dots, dashes, slashes, brackets.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015/()]+")

# Letters of the Arabic script (Arabic, Arabic Supplement, Extended-A, presentation forms) and the marks that
# may come with them; names add spaces, hyphens and apostrophes ("آيت بن عبد الله", "Aït-M'Barek").
_ARABIC_LETTER = (
    "[\u0621-\u063a\u0640-\u065f\u0670-\u06d3\u06d5\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc]"
)
_ARABIC_NAME = re.compile(rf"^{_ARABIC_LETTER}+(?:[ '\u2019-]{_ARABIC_LETTER}+)*$")
_LATIN_NAME = re.compile(r"^[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[ '\u2019-][A-Za-zÀ-ÖØ-öø-ÿ]+)*$")
_SPACES = re.compile(r"\s+")


def _ascii_digits(text: str) -> str:
    """Any decimal digit (Arabic-Indic ٠١٢, Eastern ۰۱۲, full-width) as its ASCII digit; other characters kept."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def _compact(text: str) -> str:
    """NFKC (full-width letters become ASCII), ASCII digits, separators removed."""
    return _SEPARATORS.sub("", _ascii_digits(unicodedata.normalize("NFKC", text or "")))


def normalise_cin(value: str) -> str:
    """The canonical CIN: upper case, no separators ("ab 123456" -> "AB123456"); ValueError if it cannot be one."""
    compact = _compact(value)
    # Only ASCII letters may be upper-cased: "ß".upper() is "SS", which would turn garbage into a valid number.
    if not compact.isascii():
        raise ValueError("not a CIN")
    cin = compact.upper()
    if not CIN_PATTERN.match(cin):
        raise ValueError("not a CIN")
    return cin


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
