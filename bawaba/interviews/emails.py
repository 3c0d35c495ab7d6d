"""The convocation e-mail's calendar file, made from the message's context when it is sent (the outbox calls it):
the same context gives the same bytes, so a message sent twice carries the same file."""

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from bawaba.core.contributions import Attachment
from bawaba.interviews.calendar import CalendarEvent, calendar_file


def convocation_files(context: Mapping[str, Any], language: str) -> Sequence[Attachment]:
    with translation.override(language):
        summary = _("Interview: %(campaign)s") % {"campaign": context.get("campaign_title", "")}
        description = _("Bring your national identity card (CIN) and this convocation.")
    event = CalendarEvent.of_message(context, summary=summary, description=description)
    content = calendar_file(event, stamp=dt.datetime.fromisoformat(context["stamp"]))
    return [Attachment("convocation.ics", content, "text/calendar; method=PUBLISH")]
