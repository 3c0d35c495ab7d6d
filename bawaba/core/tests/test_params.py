"""core.params: what a raw parameter may be before it reaches a query."""

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from bawaba.core.params import (
    DB_INT_MAX,
    DB_INT_MIN,
    bounded_int,
    clean_text,
    id_param,
    int_param,
    is_unstorable,
    no_control_characters,
    no_control_characters_but_lines,
    text_param,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 42 ", 42),
        ("-7", -7),
        ("٤٢", 42),  # Arabic-Indic digits, as an Arabic keyboard types them
        (str(DB_INT_MAX), DB_INT_MAX),
        (str(DB_INT_MIN), DB_INT_MIN),
        (str(DB_INT_MAX + 1), None),
        (str(DB_INT_MIN - 1), None),
        (str(10**30), None),
        ("9" * 5000, None),  # beyond what int() even agrees to read
        ("", None),
        (None, None),
        ("1.5", None),
        ("1e3", None),
        ("abc", None),
        ("1\x00", None),
        (True, None),
        (12, 12),
    ],
)
def test_bounded_int_reads_whole_numbers_a_database_column_can_hold(value, expected):
    assert bounded_int(value) == expected


def test_int_and_id_params_read_the_query_string():
    params = QueryDict("page=3&region=0&province=-2&commune=99999999999999999999")
    assert int_param(params, "page") == 3
    assert int_param(params, "missing") is None
    assert int_param(params, "page", max_value=2) is None
    assert id_param(params, "region") is None  # ids start at 1
    assert id_param(params, "province") is None
    assert id_param(params, "commune") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("  01 ", "01"),
        ("Fès-Meknès", "Fès-Meknès"),
        ("الدار البيضاء", "الدار البيضاء"),
        ("01\x00", None),
        ("\x1b[2J", None),
        ("a\nb", None),
        ("x" * 17, None),
    ],
)
def test_clean_text_refuses_control_characters_and_endless_strings(value, expected):
    assert clean_text(value, max_length=16) == expected


def test_text_param_is_empty_when_absent_and_none_when_malformed():
    params = QueryDict("region=01&province=%00")
    assert text_param(params, "region") == "01"
    assert text_param(params, "missing") == ""
    assert text_param(params, "province") is None


def test_form_validators_refuse_control_characters_but_lines_where_allowed():
    no_control_characters("Amina Alaoui")
    with pytest.raises(ValidationError):
        no_control_characters("Amina\x07")
    with pytest.raises(ValidationError):
        no_control_characters("two\nlines")
    no_control_characters_but_lines("RGPH 2014, enumerator\r\nENE 2019,\tcontroller")
    with pytest.raises(ValidationError):
        no_control_characters_but_lines("RGPH\x1b 2014")


@pytest.mark.parametrize(
    ("value", "unstorable"),
    [
        ("abc", False),
        ("42", False),
        (str(DB_INT_MAX), False),
        (str(DB_INT_MIN), False),
        (str(DB_INT_MAX + 1), True),
        (str(DB_INT_MIN - 1), True),
        (" +" + "9" * 30, True),
        ("a\x00", True),
        ("two\r\nlines", False),  # an admin text area may hold them
    ],
)
def test_is_unstorable_names_nul_and_integers_beyond_64_bits(value, unstorable):
    assert is_unstorable(value) is unstorable
