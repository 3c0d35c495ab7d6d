"""The one rule for names in several languages: Arabic on Arabic pages, French otherwise, the other as a fallback."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from bawaba.core.names import localised, localised_field


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "الرباط"), ("fr", "Rabat"), ("en", "Rabat")],
)
def test_each_page_reads_its_name(language, expected):
    with translation.override(language):
        assert localised(SimpleNamespace(name_ar="الرباط", name_fr="Rabat")) == expected


def test_an_english_name_is_read_on_english_pages_when_there_is_one():
    with translation.override("en"):
        assert localised(SimpleNamespace(title_ar="ح", title_fr="C", title_en="Census"), "title") == "Census"


def test_an_empty_name_falls_back_to_the_other_language():
    with translation.override("fr"):
        assert localised(SimpleNamespace(name_ar="الرباط", name_fr="")) == "الرباط"
    with translation.override("ar"):
        assert localised(SimpleNamespace(name_ar="", name_fr="Rabat")) == "Rabat"


def test_the_field_to_order_by():
    with translation.override("ar"):
        assert localised_field() == "name_ar"
    with translation.override("fr"):
        assert localised_field("title") == "title_fr"
