"""What a candidate types becomes one canonical value, however she typed it; what cannot be one is refused."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bawaba.campaigns.rules.eligibility import age_in_years as age_on
from bawaba.campaigns.validators import (
    clean_name,
    is_arabic_name,
    is_latin_name,
    normalise_moroccan_mobile,
)

# --- Mobile phone ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "06 12 34 56 78",
        "0612345678",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "+212612345678",
        "+212 6 12 34 56 78",
        "+212 (0)6 12 34 56 78",
        "00212 612345678",
        "00212612345678",
        "212612345678",
        "612345678",
        "٠٦١٢٣٤٥٦٧٨",
    ],
)
def test_normalises_a_moroccan_mobile_number_to_e164(typed):
    assert normalise_moroccan_mobile(typed) == "+212612345678"


def test_accepts_both_mobile_prefixes():
    assert normalise_moroccan_mobile("07 00 11 22 33") == "+212700112233"


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "0522123456",  # a fixed line (Casablanca)
        "0812345678",  # not a mobile number
        "+33612345678",  # France
        "061234567",  # one digit short
        "06123456789",  # one digit too many
        "+2126123456789",
        "06 12 34 56 7a",
        "phone",
    ],
)
def test_refuses_what_is_not_a_moroccan_mobile_number(typed):
    with pytest.raises(ValueError):
        normalise_moroccan_mobile(typed)


@st.composite
def typed_mobiles(draw) -> tuple[str, str]:
    national = draw(st.sampled_from("67")) + draw(st.text(alphabet="0123456789", min_size=8, max_size=8))
    prefix = draw(st.sampled_from(["0", "+212", "+212 ", "00212", "212", "+212 (0)", ""]))
    separator = draw(st.sampled_from(["", " ", ".", "-"]))
    grouped = separator.join(national[i : i + 2] for i in range(0, 9, 2))
    return f"+212{national}", draw(st.sampled_from(["", " "])) + prefix + grouped


@given(typed_mobiles())
def test_any_typing_of_a_mobile_number_gives_its_e164_form(case):
    canonical, typed = case
    assert normalise_moroccan_mobile(typed) == canonical


@given(st.text(alphabet="0123456789+() -.", max_size=20))
def test_mobile_normalisation_is_canonical_and_idempotent(text):
    try:
        phone = normalise_moroccan_mobile(text)
    except ValueError:
        return
    assert phone.startswith("+2126") or phone.startswith("+2127")
    assert len(phone) == 13
    assert normalise_moroccan_mobile(phone) == phone


# --- Names and age --------------------------------------------------------------------------------------------


def test_tells_arabic_script_names_from_latin_ones():
    assert is_arabic_name("أمينة")
    assert is_arabic_name("آيت بن عبد الله")
    assert not is_arabic_name("Amina")
    assert is_latin_name("Aït-M'Barek")
    assert is_latin_name("Zoé El Alaoui")
    assert not is_latin_name("أمينة")
    assert not is_latin_name("Amina2")


def test_cleans_spaces_in_names():
    assert clean_name("  Amina   El  Alaoui ") == "Amina El Alaoui"


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (dt.date(2006, 2, 27), dt.date(2024, 2, 27), 18),  # birthday on the closing day: 18 that day
        (dt.date(2006, 2, 28), dt.date(2024, 2, 27), 17),  # the day after: still 17
        (dt.date(2004, 2, 29), dt.date(2023, 2, 28), 18),  # born on 29 February: not yet 19 on 28 February
        (dt.date(2004, 2, 29), dt.date(2023, 3, 1), 19),
        (dt.date(1958, 2, 28), dt.date(2024, 2, 27), 65),
    ],
)
def test_counts_age_in_whole_years(birth, day, age):
    assert age_on(birth, day) == age
