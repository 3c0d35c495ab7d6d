"""One way to write dates and numbers: the helpers' text in each language, and no template formatting on its own."""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from bawaba.core import dates, numbers

UTC = dt.UTC
REPO = Path(__file__).resolve().parents[3]

# Midnight in Morocco (+01:00 outside Ramadan) is 23:00 UTC the day before.
MIDNIGHT_7_FEB = dt.datetime(2024, 2, 6, 23, 0, tzinfo=UTC)
LEAP_DAY_EVENING = dt.datetime(2024, 2, 29, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "7 فبراير 2024 على الساعة 00:00"),
        ("fr", "7 février 2024 à 00:00"),
        ("en", "7 February 2024 at 00:00"),
    ],
)
def test_midnight_in_morocco_is_the_next_day_of_utc(language, expected):
    assert dates.day_time(MIDNIGHT_7_FEB, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "29 فبراير 2024 على الساعة 19:30"),
        ("fr", "29 février 2024 à 19:30"),
        ("en", "29 February 2024 at 19:30"),
    ],
)
def test_leap_day_in_casablanca_time(language, expected):
    assert dates.day_time(LEAP_DAY_EVENING, language) == expected


def test_arabic_months_are_the_moroccan_names_not_the_mashriq_ones():
    shown = [dates.day(dt.date(2024, month, 1), "ar") for month in (5, 7, 8, 9, 11, 12)]
    assert shown == [
        "1 ماي 2024",
        "1 يوليوز 2024",
        "1 غشت 2024",
        "1 شتنبر 2024",
        "1 نونبر 2024",
        "1 دجنبر 2024",
    ]
    assert "مايو" not in dates.day(dt.date(2024, 5, 1), "ar")


def test_a_time_zone_other_than_morocco_is_converted_and_an_unknown_language_falls_back_to_arabic():
    paris = dt.datetime(2024, 7, 1, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))  # 22:30 UTC, 23:30 in Morocco
    assert dates.day_time(paris, "es") == "30 يونيو 2024 على الساعة 23:30"
    assert dates.iso(MIDNIGHT_7_FEB) == "2024-02-07T00:00:00+01:00"
    assert (
        dates.day_range(dt.date(2024, 2, 7), dt.date(2024, 3, 9), "fr") == "du 7 février 2024 au 9 mars 2024"
    )


def test_filters_speak_the_active_language_and_leave_empty_values_empty():
    template = Template(
        '{% load dates %}{{ when|day_time }}|{{ when|day }}|{{ when|clock }}|{{ none|day|default:"—" }}'
    )
    with translation.override("fr"):
        assert template.render(Context({"when": MIDNIGHT_7_FEB, "none": None})) == (
            "7 février 2024 à 00:00|7 février 2024|00:00|—"
        )
    with translation.override("ar"):
        assert template.render(Context({"when": "not a date", "none": None})) == "|||—"


FORMATTED_BY_DJANGO = re.compile(r"\|\s*(date|time)\s*:|\|\s*(intcomma|floatformat)\b")


def test_no_template_formats_a_date_without_the_helper():
    templates = [
        path for path in (REPO / "bawaba").rglob("templates/**/*") if path.suffix in {".html", ".txt"}
    ]
    assert len(templates) > 50
    offenders = [
        f"{path.relative_to(REPO)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if FORMATTED_BY_DJANGO.search(line)
    ]
    assert offenders == [], (
        "use {% load dates %} |day, |clock, |day_time, |iso and {% load numbers %} |number (bawaba/core)"
    )
    # The scan itself finds what it looks for.
    assert FORMATTED_BY_DJANGO.search('{{ x|date:"DATE_FORMAT" }}') and FORMATTED_BY_DJANGO.search(
        "{{ x|time:'H:i' }}"
    )
    assert FORMATTED_BY_DJANGO.search("{{ n|intcomma }}") and not FORMATTED_BY_DJANGO.search("{{ n|number }}")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("ar", "1.234.567"), ("fr", "1\u202f234\u202f567"), ("en", "1,234,567"), ("es", "1.234.567")],
)
def test_numbers_are_grouped_the_way_each_language_writes_them(language, expected):
    assert numbers.number(1234567, language) == expected


@pytest.mark.parametrize(
    ("language", "expected"), [("ar", "1.234,5"), ("fr", "1\u202f234,5"), ("en", "1,234.5")]
)
def test_decimals_follow_cldr_for_each_language_arabic_as_in_morocco(language, expected):
    # CLDR ar-MA: Western digits, decimal comma, grouping dot (bawaba/core/numbers.py says why).
    assert numbers.number(1234.5, language) == expected


def test_number_filter_keeps_small_numbers_fractions_and_non_numbers_readable():
    template = Template("{% load numbers %}{{ a|number }}|{{ b|number }}|{{ c|number }}|{{ d|number }}")
    with translation.override("fr"):
        assert (
            template.render(Context({"a": 999, "b": 1234.5, "c": "n/a", "d": 2.0}))
            == "999|1\u202f234,5|n/a|2"
        )
