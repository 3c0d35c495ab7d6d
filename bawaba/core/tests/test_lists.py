"""Lists written with the reader's comma and conjunction (bawaba.core.lists and its template filters)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from bawaba.core import lists


@pytest.mark.parametrize(
    ("items", "language", "expected"),
    [
        ([], "ar", ""),
        (["العربية"], "ar", "العربية"),
        (["العربية", "الفرنسية"], "ar", "العربية والفرنسية"),
        (["العربية", "الفرنسية", "الحسانية"], "ar", "العربية، الفرنسية والحسانية"),
        (["الرباط", "Casablanca"], "ar", "الرباط و Casablanca"),
        (["arabe", "français", "hassaniya"], "fr", "arabe, français et hassaniya"),
        (["arabe", "français"], "fr", "arabe et français"),
        (["Arabic", "French", "Hassaniya"], "en", "Arabic, French, and Hassaniya"),
        (["a", "b", "c"], "ar-ma", "a، b و c"),
        (["a", "b"], "xx", "a و b"),  # an unknown language gets the site's default, Arabic
    ],
)
def test_and_list(items, language, expected):
    assert lists.and_list(items, language) == expected


def test_comma_and_semicolon_lists_use_the_languages_own_marks():
    assert lists.comma_list(["أ", "ب", "ج"], "ar") == "أ، ب، ج"
    assert lists.comma_list(["a", "b"], "fr") == "a, b"
    assert lists.semicolon_list(["أ: 1", "ب: 2"], "ar") == "أ: 1؛ ب: 2"
    assert lists.semicolon_list(["a : 1", "b : 2"], "fr") == "a : 1 ; b : 2"


def test_the_template_filters_use_the_active_language_and_escape_each_item():
    template = Template("{% load lists %}{{ items|and_list }} | {{ items|comma_list }}")
    context = Context({"items": ["<b>", "ب", "ج"]})
    with translation.override("ar"):
        assert template.render(context) == "&lt;b&gt;، ب وج | &lt;b&gt;، ب، ج"
    with translation.override("fr"):
        assert template.render(context) == "&lt;b&gt;, ب et ج | &lt;b&gt;, ب, ج"
