"""The campaigns' part of the candidate's dashboard (the page itself is the portal's): one entry per application,
with what comes next and the campaign's calendar. Later stages add their own sections through the registry."""

import datetime as dt
from typing import Any

from bawaba.campaigns import schedule, selectors
from bawaba.campaigns.models import Application


def dashboard_entries(user: Any, *, now: dt.datetime) -> list[dict[str, Any]]:
    """Her applications, newest campaign first, each with its facts, next actions and calendar.

    Three queries whatever the number of applications (applications, stages, chosen communes); only the first
    when she has none.
    """
    applications = list(selectors.applications_for_dashboard(user))
    stages = selectors.stages_by_campaign({application.campaign_id for application in applications})
    communes = selectors.commune_names_by_application(application.pk for application in applications)
    entries = []
    for application in applications:
        campaign = application.campaign
        timeline = schedule.timeline(campaign, stages[campaign.pk], now=now)
        entries.append(
            {
                "application": application,
                "reference": selectors.application_reference(application),
                "timeline": timeline,
                "actions": schedule.next_actions(application, timeline, now=now),
                "editable": schedule.can_change(application, now=now),
                "can_reapply": application.status == Application.Status.WITHDRAWN
                and schedule.registration_state(campaign, now=now) == schedule.OPEN,
                "communes": communes[application.pk],
                # The campaign's, not the application's: the calendar is cached for all its candidates.
                "calendar_id": f"campaign-{campaign.pk}-calendar",
            }
        )
    return entries
