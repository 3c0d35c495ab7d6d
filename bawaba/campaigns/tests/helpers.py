"""What the campaign tests compare pages with: the catalogue's wording, dates written as the pages write them."""

import datetime as dt

from bawaba.accounts.tests.helpers import translated, translated_html  # defined once, for every app's tests
from bawaba.core import dates

__all__ = ["date_and_time", "day", "translated", "translated_html"]


def day(value: dt.date | dt.datetime, language: str = "fr") -> str:
    """A day as the pages write it in `language` (the Moroccan day, for an instant)."""
    return dates.day(value, language)


def date_and_time(when: dt.datetime, language: str = "fr") -> dict[str, str]:
    """An instant as the `%(date)s at %(time)s` messages write it in `language`: Moroccan day, then hour:minute."""
    return {"date": dates.day(when, language), "time": dates.clock(when)}
