"""The pieces every uploaded CSV parser shares."""

from hypothesis import given
from hypothesis import strategies as st

from bawaba.core.csv_upload import SHOWN_LENGTH, delimiter_of, has_control_character, is_utf16, shown


@given(st.text())
def test_a_quoted_value_is_never_longer_than_the_limit_and_short_ones_are_kept(value):
    quoted = shown(value)
    assert len(quoted) <= SHOWN_LENGTH
    assert quoted == value if len(value) <= SHOWN_LENGTH else quoted.endswith("…")


def test_control_characters_and_the_tab():
    assert has_control_character("a\x00b") and has_control_character("a\tb")
    assert not has_control_character("a\tb", tab_allowed=True)
    assert not has_control_character("عربي, Français")


def test_the_header_tells_the_delimiter_and_utf16_is_recognised():
    assert delimiter_of("commune_code;stage;need") == ";"
    assert delimiter_of("commune_code,stage,need") == ","
    assert delimiter_of("a;b,c") == ","
    assert is_utf16("x".encode("utf-16")) and not is_utf16(b"\xef\xbb\xbfx")
