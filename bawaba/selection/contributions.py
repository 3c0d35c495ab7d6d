"""What the selection adds to pages of other apps, registered in SelectionConfig.ready(): the decision on the
candidate's dashboard, the published reports on the campaign's page, the place she gives up if she withdraws,
its staff pages in the staff menu, her decisions in her personal-data download, and its indicators (the
preselected, the waiting lists, the promoted)."""

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
    Indicator,
    PersonalDataProvider,
    Registry,
    Section,
    StaffMenuEntry,
)
from bawaba.selection import indicators
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


INDICATORS = (
    Indicator(
        key="selection.preselected",
        name=_("Preselected candidates"),
        definition=_(
            "Candidates holding a place in the campaign's published preselection run today: admitted when it was "
            "published or promoted since from a waiting list, less those who have left it (declined, withdrew, "
            "did not start the training in time). By area: the commune of the place; by category: the one she "
            "declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.preselected,
        order=110,
    ),
    Indicator(
        key="selection.waiting",
        name=_("On a waiting list"),
        definition=_(
            "Candidates of the campaign's published preselection run who hold no place and stand on its waiting "
            "lists today. Each counts once, in the commune she ranked first (she waits on the list of every "
            "commune of her list); by category: the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.waiting,
        order=120,
    ),
    Indicator(
        key="selection.promoted",
        name=_("Promoted from a waiting list"),
        definition=_(
            "Candidates given a place from a waiting list by the promotion rounds of the campaign's published "
            "preselection run (a move to a commune she ranked higher is not counted), including those who left "
            "since. By area: the commune of the place given; by category: the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.promoted,
        order=130,
    ),
)


def register(registry: Registry) -> None:
    for indicator in INDICATORS:
        registry.add_indicator(indicator)
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
