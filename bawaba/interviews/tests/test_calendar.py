"""The convocation's .ics, read back by an independent reader (vobject): the right instant in Morocco's zone,
Ramadan's hour included."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import vobject
from hypothesis import given, settings
from hypothesis import strategies as st

from bawaba.interviews.calendar import MOROCCO, CalendarEvent, calendar_file

STAMP = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def event(starts_at: datetime, **changes) -> CalendarEvent:
    values = {
        "uid": "interview-convocation-42@bawaba.ma",
        "starts_at": starts_at,
        "ends_at": starts_at.replace(minute=30),
        "summary": "Entretien — مقابلة",
        "location": "Direction provinciale, Rabat",
        "description": "Apportez votre carte nationale.",
        "latitude": 34.02,
        "longitude": -6.84,
    }
    values.update(changes)
    return CalendarEvent(**values)


def read(ics: bytes):
    """The file as vobject reads it, from the file alone: vobject keeps every VTIMEZONE it has read in a global
    map by TZID and would otherwise apply a zone read earlier (from another test's file, another year's rules)."""
    vars(vobject.icalendar)["__tzidMap"].clear()
    return vobject.readOne(ics.decode("utf-8"))


@pytest.mark.parametrize(
    ("local", "utc_hour"),
    [
        (datetime(2024, 5, 15, 9, 0, tzinfo=MOROCCO), 8),  # Morocco at UTC+1
        (datetime(2024, 3, 20, 9, 0, tzinfo=MOROCCO), 9),  # during Ramadan 2024: UTC+0
    ],
)
def test_the_event_is_at_the_right_instant_for_an_independent_reader(local, utc_hour):
    ics = calendar_file(event(local), stamp=STAMP)
    calendar = read(ics)
    vevent = calendar.vevent
    start = vevent.dtstart.value
    assert start.tzinfo is not None
    assert start.astimezone(UTC) == datetime(local.year, local.month, local.day, utc_hour, 0, tzinfo=UTC)
    assert b"DTSTART;TZID=Africa/Casablanca:" in ics
    assert calendar.vtimezone.tzid.value == "Africa/Casablanca"
    assert vevent.uid.value == "interview-convocation-42@bawaba.ma"
    assert vevent.summary.value == "Entretien — مقابلة"
    assert vevent.location.value == "Direction provinciale, Rabat"
    assert calendar.method.value == "PUBLISH"


def test_a_time_given_in_utc_is_written_in_morocco_time():
    ics = calendar_file(
        event(datetime(2024, 5, 15, 8, 0, tzinfo=UTC), ends_at=datetime(2024, 5, 15, 9, tzinfo=UTC)),
        stamp=STAMP,
    )
    assert b"DTSTART;TZID=Africa/Casablanca:20240515T090000" in ics
    assert read(ics).vevent.dtend.value.astimezone(UTC) == datetime(2024, 5, 15, 9, 0, tzinfo=UTC)


def test_a_cancelled_convocation_keeps_its_uid_and_says_so():
    ics = calendar_file(
        event(datetime(2024, 5, 15, 9, tzinfo=MOROCCO), sequence=2), stamp=STAMP, cancelled=True
    )
    calendar = read(ics)
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.status.value == "CANCELLED"
    assert calendar.vevent.sequence.value == "2"
    assert calendar.vevent.uid.value == "interview-convocation-42@bawaba.ma"


def test_lines_end_with_crlf_as_rfc_5545_says():
    ics = calendar_file(event(datetime(2024, 5, 15, 9, tzinfo=MOROCCO)), stamp=STAMP)
    assert ics.count(b"\r\n") == ics.count(b"\n")


@pytest.mark.parametrize(
    "changes",
    [
        {"starts_at": datetime(2024, 5, 15, 9)},  # noqa: DTZ001 (naive, on purpose)
        {"ends_at": datetime(2024, 5, 15, 8, tzinfo=MOROCCO)},  # ends before it starts
    ],
)
def test_impossible_times_are_refused(changes):
    values = {"starts_at": datetime(2024, 5, 15, 9, tzinfo=MOROCCO)} | changes
    with pytest.raises(ValueError):
        calendar_file(event(**values), stamp=STAMP)


@settings(max_examples=25, deadline=None)
@given(
    event_day=st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)),
    shift=st.integers(min_value=-300, max_value=300),
    # 02:xx is skipped or repeated on the days of a change: readers may resolve it either way.
    hour=st.integers(min_value=0, max_value=23).filter(lambda hour: hour != 2),
)
def test_any_time_near_the_event_has_the_offset_of_the_zone_database(event_day, shift, hour):
    """Whatever day the window starts on (icalendar's own search misses Ramadan's changes for some), the file's
    zone gives every local time within it the offset the operating system's zone database gives."""
    starts_at = datetime.combine(event_day, time(9), tzinfo=MOROCCO)
    ics = calendar_file(event(starts_at, ends_at=starts_at + timedelta(minutes=30)), stamp=STAMP)
    zone = read(ics).vtimezone.gettzinfo()
    local = datetime.combine(event_day + timedelta(days=shift), time(hour, 30))
    assert local.replace(tzinfo=zone).utcoffset() == local.replace(tzinfo=MOROCCO).utcoffset()
