"""What the selection adds to pages of other apps, registered in SelectionConfig.ready(): the decision on the
candidate's dashboard, the published reports on the campaign's page, the place she gives up if she withdraws,
its staff pages in the staff menu, and her decisions in her personal-data download."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import is_central_admin
from bawaba.core.contributions import (
    APPLICATION_STATUS,
    CAMPAIGN_PAGE,
    DASHBOARD,
    DASHBOARD_NOW,
    WITHDRAWAL,
    PersonalDataProvider,
    Registry,
    Section,
    StaffMenuEntry,
)
from bawaba.selection.explanations import explanations_for
from bawaba.selection.personal_data import decision_records
from bawaba.selection.selectors import published_runs


def decisions(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """Her decision in each published run, explained, by application id: one query, two once a selection is
    published, whatever the number of applications."""
    by_pk = {application.pk: application for application in applications}
    return {
        pk: {"application": by_pk[pk], "explanation": explanation}
        for pk, explanation in explanations_for(applications).items()
    }


def published_reports(request: HttpRequest, campaigns: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """The published runs of each campaign page (one campaign a page: one query)."""
    reports = {}
    for campaign in campaigns:
        runs = published_runs(campaign)
        if runs:
            reports[campaign.pk] = {"campaign": campaign, "runs": runs}
    return reports


def register(registry: Registry) -> None:
    # Her decision leads her dashboard (a panel linking to the explanation below) and names her status.
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="selection.decision",
            template="selection/sections/dashboard_now.html",
            context=decisions,
            order=20,
        )
    )
    registry.add_section(
        Section(
            page=APPLICATION_STATUS,
            key="selection.decision",
            template="selection/sections/application_status.html",
            context=decisions,
            order=20,
        )
    )
    registry.add_section(
        Section(
            page=DASHBOARD,
            key="selection.decision",
            template="selection/sections/dashboard_decision.html",
            context=decisions,
            order=20,
        )
    )
    registry.add_section(
        Section(
            page=CAMPAIGN_PAGE,
            key="selection.reports",
            template="selection/sections/campaign_reports.html",
            context=published_reports,
            order=20,
        )
    )
    registry.add_section(
        Section(
            page=WITHDRAWAL,
            key="selection.place_given_up",
            template="selection/sections/withdrawal.html",
            context=decisions,
            order=20,
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="selection.campaigns",
            label=_("Selection"),
            url_name="selection_staff:campaigns",
            allowed=is_central_admin,
            order=20,
            description=_("Selection rules, dry runs and publication of each campaign's selection."),
        )
    )
    registry.add_personal_data(
        PersonalDataProvider(
            key="selection.decisions", label=_("Selection decisions"), records=decision_records, order=30
        )
    )
