from hypothesis import given
from hypothesis import strategies as st

from bawaba.core.text import normalize_for_search


def test_folds_arabic_letter_variants_diacritics_and_tatweel():
    assert normalize_for_search("أَحْمَد") == normalize_for_search("احمد")
    assert normalize_for_search("إبراهيم") == normalize_for_search("ابراهيم")
    assert normalize_for_search("فاطمة") == normalize_for_search("فاطمه")
    assert normalize_for_search("مصطفى") == normalize_for_search("مصطفي")
    assert normalize_for_search("محـــمد") == normalize_for_search("محمد")


def test_folds_latin_case_accents_and_spaces():
    assert normalize_for_search("  Hoceïma  ÉL ") == "hoceima el"


def test_keeps_different_names_apart():
    assert normalize_for_search("سعيد") != normalize_for_search("سعد")


@given(st.text())
def test_normalising_twice_changes_nothing(text):
    once = normalize_for_search(text)
    assert normalize_for_search(once) == once
