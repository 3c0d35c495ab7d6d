"""Numbered pages of short lists: whatever the page parameter holds, a page, never an error."""

import pytest

from bawaba.core.pagination import numbered_page


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (None, 1),
        ("2", 2),
        ("", 1),
        ("abc", 1),
        ("-3", 3),  # out of range either way: the last page, as Django's get_page does
        ("0", 3),
        ("9" * 40, 3),  # past the end: the last page
        ("1\x00", 1),
        ("2.5", 1),
    ],
)
def test_any_page_parameter_gives_a_page(number, expected):
    page = numbered_page(list(range(25)), number, size=10)
    assert page.number == expected


def test_an_empty_list_has_one_empty_page():
    page = numbered_page([], "4", size=10)
    assert page.number == 1
    assert list(page.object_list) == []
