"""Calendar attachments (`.ics`, RFC 5545) for convocations: an interview slot, a training group's days.

Written with `icalendar` (decision 0025). Times are given in Morocco's zone, Africa/Casablanca, with the zone's
VTIMEZONE in the file: Morocco moves its clocks around Ramadan, so a fixed offset would be an hour wrong for part of
the year, and a calendar that does not know the zone by name still places the event right from the file alone.
The VTIMEZONE covers a year either side of the event: enough for the event and any correction, and a small file.

icalendar can build a VTIMEZONE (`add_missing_timezones`), but its search steps over the calendar in long strides
and, depending on where the window starts, misses Morocco's two changes a month apart (measured: a window from
20 March 2023 lists no change in 2024). So the transitions are found here, day by day then to the minute, from
the operating system's zone database, and written one observance per change.

The UID is the caller's stable key (one per convocation): a corrected convocation sent again, with a higher
SEQUENCE, replaces the first in the candidate's calendar instead of adding a second event.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import icalendar

MOROCCO = ZoneInfo("Africa/Casablanca")
PRODUCT_ID = "-//Bawaba//Convocations//FR"
ZONE_WINDOW = timedelta(days=366)


@dataclass(frozen=True)
class CalendarEvent:
    uid: str  # stable, e.g. "interview-convocation-123@bawaba.ma"
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    summary: str
    location: str = ""
    description: str = ""
    latitude: float | None = None
    longitude: float | None = None
    url: str = ""
    sequence: int = 0  # raised each time the same convocation is sent again with a change

    @classmethod
    def of_message(cls, context: Mapping[str, Any], *, summary: str, description: str) -> "CalendarEvent":
        """The event a convocation message's stored context describes (uid, starts_at and ends_at in ISO format,
        place, address, its map point and dashboard address), with the texts of the recipient's language."""
        return cls(
            uid=context["uid"],
            starts_at=datetime.fromisoformat(context["starts_at"]),
            ends_at=datetime.fromisoformat(context["ends_at"]),
            summary=summary,
            location=f"{context['place']}, {context['address']}".replace("\n", ", "),
            description=description,
            latitude=context.get("latitude"),
            longitude=context.get("longitude"),
            url=context.get("dashboard_url", ""),
            sequence=int(context.get("sequence", 0)),
        )


def calendar_file(event: CalendarEvent, *, stamp: datetime, cancelled: bool = False) -> bytes:
    """The `.ics` of one event (METHOD:PUBLISH; METHOD:CANCEL with STATUS:CANCELLED for a withdrawn one)."""
    if event.starts_at.tzinfo is None or event.ends_at.tzinfo is None or stamp.tzinfo is None:
        raise ValueError("calendar times must be aware")
    if event.ends_at <= event.starts_at:
        raise ValueError("an event must end after it starts")
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    entry = icalendar.Event()
    entry.add("uid", event.uid)
    entry.add("dtstamp", stamp.astimezone(ZoneInfo("UTC")))
    entry.add("dtstart", event.starts_at.astimezone(MOROCCO))
    entry.add("dtend", event.ends_at.astimezone(MOROCCO))
    entry.add("sequence", event.sequence)
    entry.add("summary", event.summary)
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if event.location:
        entry.add("location", event.location)
    if event.description:
        entry.add("description", event.description)
    if event.latitude is not None and event.longitude is not None:
        entry.add("geo", (event.latitude, event.longitude))
    if event.url:
        entry.add("url", event.url)
    local_day = event.starts_at.astimezone(MOROCCO).date()
    calendar.add_component(morocco_timezone(local_day - ZONE_WINDOW, local_day + ZONE_WINDOW))
    calendar.add_component(entry)
    return calendar.to_ical()


def offset_changes(first: date, last: date) -> list[tuple[datetime, timedelta, timedelta]]:
    """Every change of Morocco's UTC offset between two days: (instant in UTC, offset before, offset after)."""

    def offset(instant: datetime) -> timedelta:
        return instant.astimezone(MOROCCO).utcoffset() or timedelta(0)

    changes = []
    day = datetime.combine(first, time(0), tzinfo=UTC)
    end = datetime.combine(last, time(0), tzinfo=UTC)
    while day < end:
        following = day + timedelta(days=1)
        before, after = offset(day), offset(following)
        if before != after:
            low, high = (
                day,
                following,
            )  # the offset is `before` at low and `after` at high: halve to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == before else (low, middle)
            changes.append((high.replace(second=0, microsecond=0), before, after))
        day = following
    return changes


@lru_cache(maxsize=64)
def morocco_timezone(first: date, last: date) -> icalendar.Timezone:
    """The VTIMEZONE of Africa/Casablanca from `first` to `last`: the offset in force on `first`, then each change."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Africa/Casablanca")
    start = datetime.combine(first, time(0), tzinfo=MOROCCO)
    in_force = start.utcoffset() or timedelta(0)
    observances = [(start.replace(tzinfo=None), in_force, in_force)]
    for instant, before, after in offset_changes(first, last):
        # DTSTART is the local time the change happens at, on the clock before it (RFC 5545, 3.6.5).
        observances.append(((instant + before).replace(tzinfo=None), before, after))
    for local_start, before, after in observances:
        # Morocco's "standard" is UTC+1; the month at UTC+0 around Ramadan is its other observance.
        observance = (
            icalendar.TimezoneStandard() if after == timedelta(hours=1) else icalendar.TimezoneDaylight()
        )
        observance.add("dtstart", local_start)
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        observance.add("tzname", "+01" if after == timedelta(hours=1) else "+00")
        zone.add_component(observance)
    return zone
