"""How the site writes a date or a time for a reader: one place, so every page and e-mail says it the same way.

Times are shown in Morocco's legal time (Africa/Casablanca), whatever the server's clock or the reader's browser:
a deadline "at 23:59" means 23:59 in Morocco. Digits are Western (0-9) in every language, as Moroccan
administrations print them; hours use the 24-hour clock.

Django's Arabic locale names the months as in the Mashriq (مايو، أغسطس...); Morocco uses the French-derived names
(ماي، غشت...), which is why the month names live here rather than in the translation catalogues.
"""

import datetime as dt
from zoneinfo import ZoneInfo

MOROCCO = ZoneInfo("Africa/Casablanca")

MONTHS: dict[str, tuple[str, ...]] = {
    "ar": (
        "يناير",
        "فبراير",
        "مارس",
        "أبريل",
        "ماي",
        "يونيو",
        "يوليوز",
        "غشت",
        "شتنبر",
        "أكتوبر",
        "نونبر",
        "دجنبر",
    ),
    "fr": (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}

# "<day> at <time>", the way each language joins them ("7 février 2024 à 00:00").
AT = {"ar": "{day} على الساعة {time}", "fr": "{day} à {time}", "en": "{day} at {time}"}
# "from <day> to <day>".
RANGE = {"ar": "من {start} إلى {end}", "fr": "du {start} au {end}", "en": "from {start} to {end}"}

DEFAULT_LANGUAGE = "ar"


def _language(language: str | None) -> str:
    """The table key for a language code ('fr-ma' -> 'fr'); the site's default for an unknown one."""
    code = (language or "").split("-")[0].lower()
    return code if code in MONTHS else DEFAULT_LANGUAGE


def in_morocco(value: dt.datetime) -> dt.datetime:
    """The moment in Morocco's local time; a naive datetime is taken as already local."""
    return value.astimezone(MOROCCO) if value.tzinfo is not None else value


def day(value: dt.date, language: str | None) -> str:
    """'7 فبراير 2024', '7 février 2024', '7 February 2024' (a datetime gives its day in Morocco)."""
    if isinstance(value, dt.datetime):
        value = in_morocco(value).date()
    return f"{value.day} {MONTHS[_language(language)][value.month - 1]} {value.year}"


def clock(value: dt.datetime | dt.time) -> str:
    """'00:00' to '23:59', Morocco's time of a datetime."""
    if isinstance(value, dt.datetime):
        value = in_morocco(value).time()
    return f"{value.hour:02d}:{value.minute:02d}"


def day_time(value: dt.datetime, language: str | None) -> str:
    """'7 فبراير 2024 على الساعة 00:00', '7 février 2024 à 00:00', '7 February 2024 at 00:00'."""
    return AT[_language(language)].format(day=day(value, language), time=clock(value))


def day_range(start: dt.date, end: dt.date, language: str | None) -> str:
    """'from 7 February 2024 to 9 March 2024' in the reader's language."""
    return RANGE[_language(language)].format(start=day(start, language), end=day(end, language))


def day_month(value: dt.date) -> str:
    """'7/2': a short day and month for chart labels, where the year is the chart's."""
    if isinstance(value, dt.datetime):
        value = in_morocco(value).date()
    return f"{value.day}/{value.month}"


def iso_day(value: dt.date) -> str:
    """'2024-02-07', for rule tables and machine-readable attributes."""
    if isinstance(value, dt.datetime):
        value = in_morocco(value).date()
    return value.isoformat()


def iso(value: dt.date) -> str:
    """The ISO 8601 text of `<time datetime=...>` ('2024-02-07T00:00:00+01:00'), in Morocco's offset."""
    if isinstance(value, dt.datetime):
        return in_morocco(value).isoformat()
    return value.isoformat()
