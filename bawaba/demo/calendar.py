"""The demo's calendars, counted from the day it is generated (a Moroccan day). Pure: dates in, dates out.

The census campaign replays the 2024 campaign's calendar shifted so that its preselection has just been
published: registration opened five weeks ago and closed two weeks ago, the preselection ends today (the day
`make demo` publishes it), the remote training opens next week, the interviews and the in-person training come
later. The second campaign, a ministry's competition, is open for registration now. Whoever looks at the demo on
the day it was made sees every stage where a campaign in that situation has it; the demo then ages like a real
campaign, and `generate_demo --replace` starts it again from the new day.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

CASABLANCA = ZoneInfo("Africa/Casablanca")
DAY = dt.timedelta(days=1)

# As in 2024: 21 whole days of registration (7 to 27 February), the preselection two days after it closed.
REGISTRATION_DAYS = 21
CENSUS_REGISTRATION_CLOSED_DAYS_AGO = 14
COMPETITION_REGISTRATION_OPENED_DAYS_AGO = 10
COMPETITION_REGISTRATION_DAYS = 31


@dataclass(frozen=True)
class Stage:
    kind: str  # a CampaignStage.Kind value
    starts_on: dt.date
    ends_on: dt.date | None


@dataclass(frozen=True)
class Calendar:
    registration_opens_at: dt.datetime
    registration_closes_at: dt.datetime
    stages: tuple[Stage, ...]

    @property
    def registration_opens_on(self) -> dt.date:
        return self.registration_opens_at.astimezone(CASABLANCA).date()

    @property
    def registration_closes_on(self) -> dt.date:
        return self.registration_closes_at.astimezone(CASABLANCA).date()


def _window(opens_on: dt.date, days: int) -> tuple[dt.datetime, dt.datetime]:
    """From `opens_on` at midnight to the last second of its `days`-th day, counted in real seconds.

    In UTC, not on the wall clock: Morocco moves its clocks back for Ramadan, and a window counted on the wall
    clock would then be an hour shorter or longer than the generated submission times it must hold.
    """
    opens_at = dt.datetime.combine(opens_on, dt.time(), tzinfo=CASABLANCA)
    closes_utc = opens_at.astimezone(dt.UTC) + dt.timedelta(days=days, seconds=-1)
    return opens_at, closes_utc.astimezone(CASABLANCA)


def census_calendar(today: dt.date) -> Calendar:
    """The census campaign just after its preselection, published `today`."""
    closes_on = today - CENSUS_REGISTRATION_CLOSED_DAYS_AGO * DAY
    opens_on = closes_on - (REGISTRATION_DAYS - 1) * DAY
    opens_at, closes_at = _window(opens_on, REGISTRATION_DAYS)
    training = today + 7 * DAY  # remote training opens next week
    return Calendar(
        registration_opens_at=opens_at,
        registration_closes_at=closes_at,
        stages=(
            Stage("registration", opens_on, closes_on),
            Stage("preselection", closes_on + 2 * DAY, today),
            # 2024's spacing: three months of remote training (15 March to 15 June), the interviews from its
            # third month (15 May), two months of in-person training from 1 July.
            Stage("remote_training", training, training + 92 * DAY),
            Stage("interview", training + 61 * DAY, None),
            Stage("field_training", training + 108 * DAY, training + 169 * DAY),
        ),
    )


def competition_calendar(today: dt.date) -> Calendar:
    """The ministry's competition, open for registration from ten days ago to three weeks from now."""
    opens_on = today - COMPETITION_REGISTRATION_OPENED_DAYS_AGO * DAY
    opens_at, closes_at = _window(opens_on, COMPETITION_REGISTRATION_DAYS)
    closes_on = closes_at.astimezone(CASABLANCA).date()
    return Calendar(
        registration_opens_at=opens_at,
        registration_closes_at=closes_at,
        stages=(
            Stage("registration", opens_on, closes_on),
            Stage("preselection", closes_on + 3 * DAY, closes_on + 10 * DAY),
            Stage("interview", closes_on + 24 * DAY, closes_on + 35 * DAY),
        ),
    )
