"""The training convocation's calendar file, made from the message's context when it is sent (the outbox calls
it): the first day's hours, repeated daily to the last day (RRULE), in Morocco's zone."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import icalendar
from django.utils import translation
from django.utils.translation import gettext as _

from bawaba.core.contributions import Attachment
from bawaba.interviews.calendar import CalendarEvent, calendar_file


def training_calendar(context: Mapping[str, Any], language: str) -> bytes:
    with translation.override(language):
        summary = _("In-person training: %(campaign)s") % {"campaign": context.get("campaign_title", "")}
        description = _("Trainer: %(trainer)s. Bring your national identity card (CIN).") % {
            "trainer": context.get("trainer", "")
        }
    event = CalendarEvent.of_message(context, summary=summary, description=description)
    content = calendar_file(event, stamp=dt.datetime.fromisoformat(context["stamp"]))
    days = int(context.get("day_count", 1))
    if days <= 1:
        return content
    calendar = icalendar.Calendar.from_ical(content)
    for component in calendar.walk("VEVENT"):
        component.add("rrule", {"freq": "daily", "count": days})
    return calendar.to_ical()


def convocation_files(context: Mapping[str, Any], language: str) -> Sequence[Attachment]:
    return [Attachment("training.ics", training_calendar(context, language), "text/calendar; method=PUBLISH")]
