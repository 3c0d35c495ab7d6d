"""What the documents' figures add to other apps' pages: a panel on the staff home, over the staff member's scope
(issue 13, item 4). The coordinator calls `register` from DocumentsConfig.ready() beside the other registrations."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest

from bawaba.core.contributions import Registry, StaffHomePanel
from bawaba.core.contributions import registry as default_registry
from bawaba.documents.figures import (
    FIGURES_CACHE_SECONDS,
    campaign_figures,
    campaigns_with_dossiers,
    figures_scope,
)


def figures_panel(request: HttpRequest) -> Mapping[str, Any] | None:
    """The figures of each campaign with dossiers in her scope; nothing for a staff member whose roles or scope
    reach no dossier (an interviewer, a supervisor of no province)."""
    scope = figures_scope(request.user)
    campaigns = campaigns_with_dossiers(scope, cache_seconds=FIGURES_CACHE_SECONDS)
    if not campaigns:
        return None
    return {
        "campaigns": [
            campaign_figures(campaign, scope, cache_seconds=FIGURES_CACHE_SECONDS) for campaign in campaigns
        ]
    }


FIGURES_PANEL = StaffHomePanel(
    key="documents.figures",
    template="documents/staff/figures/panel.html",
    context=figures_panel,
    order=20,
)


def register(registry: Registry = default_registry) -> None:
    registry.add_staff_home_panel(FIGURES_PANEL)
