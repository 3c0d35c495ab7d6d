"""What the campaign tests compare pages with: the catalogue's wording, dates written as the pages write them."""

import datetime as dt

from django.utils import timezone, translation
from django.utils.formats import date_format

from bawaba.accounts.tests.helpers import translated, translated_html  # defined once, for every app's tests

__all__ = ["date_and_time", "day", "translated", "translated_html"]


def day(value: dt.date | dt.datetime, language: str = "fr") -> str:
    """A day as the pages write it in `language` (the Moroccan day, for an instant)."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value)
    with translation.override(language):
        return date_format(value, "DATE_FORMAT")


def date_and_time(when: dt.datetime, language: str = "fr") -> dict[str, str]:
    """An instant as the `%(date)s at %(time)s` messages write it in `language`: Moroccan day, then hour:minute."""
    local = timezone.localtime(when)
    with translation.override(language):
        return {"date": date_format(local, "DATE_FORMAT"), "time": date_format(local, "H:i")}
