"""The one CIN normaliser: what a candidate types becomes one canonical value; what cannot be one is refused."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bawaba.core.cin import CIN_PATTERN, normalise_cin

# --- CIN ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("ab 123456", "AB123456"),
        ("AB123456", "AB123456"),
        (" a123456 ", "A123456"),
        ("Be-12345", "BE12345"),
        ("j.1234567", "J1234567"),
        ("ab١٢٣٤٥٦", "AB123456"),  # Arabic-Indic digits from an Arabic keyboard
        ("ＡＢ１２３４５６", "AB123456"),  # full-width, from some phone keyboards
    ],
)
def test_normalises_a_cin_to_upper_case_without_separators(typed, canonical):
    assert normalise_cin(typed) == canonical


@pytest.mark.parametrize(
    "typed",
    ["", "123456", "ABC12345", "AB", "AB12345678", "A1B2", "ß123", "أب123456", "AB 12 34 56 X", "12AB"],
)
def test_refuses_what_cannot_be_a_cin(typed):
    with pytest.raises(ValueError):
        normalise_cin(typed)


_separators = st.text(alphabet=" -./", max_size=2)


@st.composite
def typed_cins(draw) -> tuple[str, str]:
    """A real-looking CIN (canonical form) and one way a person might type it."""
    letters = draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=2))
    digits = draw(st.text(alphabet="0123456789", min_size=1, max_size=7))
    canonical = letters + digits
    typed = "".join((ch.lower() if draw(st.booleans()) else ch) + draw(_separators) for ch in canonical)
    return canonical, draw(_separators) + typed


@given(typed_cins())
def test_any_typing_of_a_cin_gives_its_canonical_form(case):
    canonical, typed = case
    assert normalise_cin(typed) == canonical


@given(st.text(max_size=20))
def test_cin_normalisation_is_canonical_and_idempotent_on_any_text(text):
    try:
        cin = normalise_cin(text)
    except ValueError:
        return
    assert CIN_PATTERN.match(cin)
    assert normalise_cin(cin) == cin
