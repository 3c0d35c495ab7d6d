"""Reading raw query-string and POST parameters, for the views that take one without a form.

A parameter is whatever anyone types in an address bar, and the databases refuse some of it outright: SQLite an
integer beyond 64 bits (`OverflowError`), PostgreSQL a NUL character in a string (`DataError`). These helpers
turn such values into "no value" before they reach a query; the view then answers as it does for any value it
does not know (an empty list, a 404). Forms bound their own fields (`forms.IntegerField(max_value=DB_INT_MAX)`,
`no_control_characters`).
"""

import unicodedata
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The range of a 64-bit integer column (BigAutoField, BigIntegerField), the widest our tables hold.
DB_INT_MIN = -(2**63)
DB_INT_MAX = 2**63 - 1
# "-9223372036854775808" has 20 characters: longer text is no integer we could store (nor worth parsing).
_INT_MAX_LENGTH = 20


def bounded_int(value: object, *, min_value: int = DB_INT_MIN, max_value: int = DB_INT_MAX) -> int | None:
    """`value` as a whole number within [min_value, max_value]; None when empty, not a whole number or out of range."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text or len(text) > _INT_MAX_LENGTH:
            return None
        try:
            number = int(text)  # reads Arabic-Indic digits too, as typed on an Arabic keyboard
        except ValueError:
            return None
    return number if min_value <= number <= max_value else None


def int_param(
    params: Mapping[str, str], name: str, *, min_value: int = DB_INT_MIN, max_value: int = DB_INT_MAX
) -> int | None:
    """The parameter `name` as a whole number within bounds, or None (absent, empty, malformed, out of range)."""
    return bounded_int(params.get(name), min_value=min_value, max_value=max_value)


def id_param(params: Mapping[str, str], name: str) -> int | None:
    """The parameter `name` as a row id (a positive 64-bit integer), or None."""
    return int_param(params, name, min_value=1)


def has_control_character(text: str) -> bool:
    """True when `text` holds a control character (NUL, escape, line breaks...): never part of a code or a name."""
    return any(unicodedata.category(character) == "Cc" for character in text)


def clean_text(value: object, *, max_length: int) -> str | None:
    """`value` stripped; "" when absent or empty; None when it holds a control character or is longer than
    `max_length`, which no value the view looks for does."""
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > max_length or has_control_character(text):
        return None
    return text


def text_param(params: Mapping[str, str], name: str, *, max_length: int = 200) -> str | None:
    """The parameter `name` stripped: "" when absent or empty, None when malformed (see clean_text)."""
    return clean_text(params.get(name), max_length=max_length)


def is_unstorable(value: str) -> bool:
    """True when no database column could take or be compared with `value`: it holds a NUL character
    (PostgreSQL refuses it in any query) or it is a whole number beyond 64 bits (SQLite overflows)."""
    if "\x00" in value:
        return True
    text = value.strip().removeprefix("-").removeprefix("+")
    return text.isdecimal() and bounded_int(value) is None


def no_control_characters(value: str) -> None:
    """Form validator: a single-line text holds no control character (Django's CharField already refuses NUL)."""
    if has_control_character(value):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control_characters"
        )


def no_control_characters_but_lines(value: str) -> None:
    """Form validator for several lines of text: line breaks and tabs are allowed, other control characters not."""
    if has_control_character(value.replace("\r", "").replace("\n", "").replace("\t", "")):
        raise ValidationError(
            _("Remove the invisible control characters from this text."), code="control_characters"
        )
