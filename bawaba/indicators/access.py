"""Who sees which figures of the staff campaign dashboard: the readers of applications, each over her own scope (a
central administrator the whole country, a coordinator her regions, a supervisor her provinces), drilling down
into a region or a province of it. A drill-down outside her scope answers 404 exactly like an area that does not
exist, or a malformed code; so does a campaign that does not exist, and the page for a scope without territory."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import Http404

from bawaba.accounts.permissions import APPLICATION_READERS
from bawaba.accounts.scopes import scope_of
from bawaba.campaigns.models import Campaign
from bawaba.core.params import clean_text
from bawaba.indicators.selectors import Place, drill_down, place_of_scope
from bawaba.territory.models import Province

READERS = APPLICATION_READERS
# As long as territory's HCP code column: anything longer is no code.
CODE_MAX_LENGTH = 16


@dataclass(frozen=True)
class DashboardPlace:
    """Her whole scope, the place the page shows within it, and the codes of the drill-down ("" when none)."""

    scope: Place
    shown: Place
    region: str = ""
    province: str = ""

    @property
    def query(self) -> str:
        """The drill-down as a query string, to keep on the page's own links (its files, the refresh)."""
        if self.province:
            return f"province={self.province}"
        return f"region={self.region}" if self.region else ""


def dashboard_campaign(slug: str) -> Campaign:
    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        raise Http404
    return campaign


def dashboard_scope(user: Any) -> Place:
    """The place her scope covers; 404 for a reader whose assignments name no territory."""
    place = place_of_scope(scope_of(user, *READERS))
    if place is None:
        raise Http404
    return place


def dashboard_place(user: Any, params: Mapping[str, str]) -> DashboardPlace:
    """Her scope and the drill-down of `?region=` or `?province=` within it; 404 for a code that is malformed,
    unknown or outside her scope, and for a province that is not in the region also named."""
    scope = dashboard_scope(user)
    region = clean_text(params.get("region"), max_length=CODE_MAX_LENGTH)
    province = clean_text(params.get("province"), max_length=CODE_MAX_LENGTH)
    if region is None or province is None:
        raise Http404
    if region and province and not Province.objects.filter(code=province, region__code=region).exists():
        raise Http404
    shown = drill_down(scope, region=region, province=province)
    if shown is None:
        raise Http404
    if province:
        region = ""  # the province's own page: its region is found again from it
    return DashboardPlace(scope=scope, shown=shown, region=region, province=province)
