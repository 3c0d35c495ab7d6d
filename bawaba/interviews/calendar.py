"""Calendar attachments (`.ics`, RFC 5545) for convocations: an interview slot, a training group's days.

Written with `icalendar` (decision 0025). Times are given in Morocco's zone, Africa/Casablanca, with the zone's
VTIMEZONE in the file: Morocco moves its clocks around Ramadan, so a fixed offset would be an hour wrong for part of
the year, and a calendar that does not know the zone by name still places the event right from the file alone.
The VTIMEZONE covers a year either side of the event: enough for the event and any correction, and a small file.

The UID is the caller's stable key (one per convocation): a corrected convocation sent again, with a higher
SEQUENCE, replaces the first in the candidate's calendar instead of adding a second event.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
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
    calendar.add_component(entry)
    local_day = event.starts_at.astimezone(MOROCCO).date()
    calendar.add_missing_timezones(first_date=local_day - ZONE_WINDOW, last_date=local_day + ZONE_WINDOW)
    return calendar.to_ical()
