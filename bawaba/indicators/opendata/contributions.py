"""What the open data adds to other apps' pages: a section on each campaign's public page linking to its open
data, and the central administrators' page of the open-data thresholds. Called from IndicatorsConfig.ready()."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import is_central_admin
from bawaba.core.contributions import CAMPAIGN_PAGE, Registry, Section, StaffMenuEntry
from bawaba.indicators.opendata.selectors import public_release


def campaign_open_data(request: HttpRequest, campaigns: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """The campaign page's link, when its open data is public (one campaign a page: one query)."""
    return {
        campaign.pk: {"campaign": campaign}
        for campaign in campaigns
        if public_release(campaign.slug) is not None
    }


def register(registry: Registry) -> None:
    registry.add_section(
        Section(
            page=CAMPAIGN_PAGE,
            key="indicators.open_data",
            template="indicators/opendata/campaign_section.html",
            context=campaign_open_data,
            order=40,
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="indicators.open_data",
            label=_("Open data"),
            url_name="opendata_staff:policies",
            allowed=is_central_admin,
            order=90,
            description=_("Set, campaign by campaign, the smallest count the open data publishes."),
        )
    )
