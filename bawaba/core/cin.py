"""The national ID card number (CIN / CNIE): the one normaliser, for the application form and the staff search.

The number is the letters of the issuing office (one or two: "A", "BE", "JK"), then the serial number. Cards in
circulation have up to six digits after two letters and up to seven after one; older cards may have fewer, so the
only lower bound is one digit. The pattern accepts up to seven digits after either (the one the form has always
stored by): the staff search used to accept eight, which no stored number can have.

What people type is forgiven: case, spaces, dots, dashes, slashes, Arabic-Indic or full-width digits
("ab ١٢٣ ٤٥٦" is AB123456). Pure: no Django.
"""

import re
import unicodedata

CIN_PATTERN = re.compile(r"^[A-Z]{1,2}[0-9]{1,7}$")
CIN_MAX_LENGTH = 9
CIN_MAX_DIGITS = 7

# What people put between groups of characters: spaces (of any kind), dots, dashes, slashes, brackets.
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015/()]+")


def ascii_digits(text: str) -> str:
    """Any decimal digit (Arabic-Indic ٠١٢, Eastern ۰۱۲, full-width) as its ASCII digit; other characters kept."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text)


def compact(text: str) -> str:
    """NFKC (full-width letters become ASCII), ASCII digits, separators removed: how identifiers are compared."""
    return _SEPARATORS.sub("", ascii_digits(unicodedata.normalize("NFKC", text or "")))


def normalise_cin(value: str) -> str:
    """The canonical CIN: upper case, no separators ("ab 123456" -> "AB123456"); ValueError if it cannot be one."""
    compacted = compact(value)
    # Only ASCII letters may be upper-cased: "ß".upper() is "SS", which would turn garbage into a valid number.
    if not compacted.isascii():
        raise ValueError("not a CIN")
    cin = compacted.upper()
    if not CIN_PATTERN.match(cin):
        raise ValueError("not a CIN")
    return cin
