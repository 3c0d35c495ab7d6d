"""The demo's calendars count from the day it runs: the census just after its preselection, the competition open."""

import datetime as dt

import pytest

from bawaba.demo import generator
from bawaba.demo.calendar import CASABLANCA, census_calendar, competition_calendar

# An ordinary day, the day before Ramadan 2026's clock change (UTC+1 -> UTC+0 on 15 February) and one in it.
DAYS = [dt.date(2026, 12, 5), dt.date(2026, 2, 14), dt.date(2026, 3, 1), dt.date(2027, 2, 28)]


def kinds(calendar) -> dict[str, tuple[dt.date, dt.date | None]]:
    return {stage.kind: (stage.starts_on, stage.ends_on) for stage in calendar.stages}


@pytest.mark.parametrize("today", DAYS)
def test_the_census_registration_opened_five_weeks_ago_and_closed_two_weeks_ago(today):
    calendar = census_calendar(today)
    assert calendar.registration_opens_on == today - dt.timedelta(days=34)
    assert calendar.registration_closes_on == today - dt.timedelta(days=14)
    assert calendar.registration_closes_at < dt.datetime.combine(today, dt.time(), tzinfo=CASABLANCA)
    # The generated submissions are seconds after the opening: the window holds exactly the generator's days,
    # in real seconds, whatever the clocks do in between.
    # (In UTC: Python subtracts two datetimes of one time zone on the wall clock.)
    span = calendar.registration_closes_at.astimezone(dt.UTC) - calendar.registration_opens_at.astimezone(
        dt.UTC
    )
    assert span.total_seconds() == generator.REGISTRATION_SECONDS - 1


@pytest.mark.parametrize("today", DAYS)
def test_the_census_preselection_ends_today_and_the_training_opens_next_week(today):
    stages = kinds(census_calendar(today))
    assert stages["preselection"][1] == today  # `make demo` publishes it today
    assert stages["preselection"][0] > stages["registration"][1]
    assert stages["remote_training"][0] == today + dt.timedelta(days=7)
    assert stages["interview"][0] > today and stages["field_training"][0] > stages["interview"][0]
    assert list(stages) == ["registration", "preselection", "remote_training", "interview", "field_training"]


@pytest.mark.parametrize("today", DAYS)
def test_the_competition_is_open_today_and_its_later_stages_come_after(today):
    calendar = competition_calendar(today)
    now = dt.datetime.combine(today, dt.time(12), tzinfo=CASABLANCA)
    assert calendar.registration_opens_at < now < calendar.registration_closes_at
    assert calendar.registration_closes_at - now > dt.timedelta(days=20)
    stages = kinds(calendar)
    assert stages["registration"][1] < stages["preselection"][0] <= stages["preselection"][1]
    assert stages["preselection"][1] < stages["interview"][0]
