"""Reads of the open data: which campaigns publish it, a campaign's release as built, the indicators' definitions.

A campaign publishes open data when it is published, its policy does not withhold it (OpenDataPolicy.published;
no policy means published) and its figures have been refreshed once (a release exists). Anything else is "not
found", as for an unknown campaign.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Campaign
from bawaba.campaigns.selectors import published_campaigns
from bawaba.core.contributions import Indicator, registry
from bawaba.indicators.models import OpenDataRelease


def open_data_campaigns() -> QuerySet[Campaign]:
    """The campaigns whose open data is public, the latest first (their releases without the payload)."""
    return (
        published_campaigns()
        .filter(open_data_release__isnull=False)
        .exclude(open_data__published=False)
        .select_related("open_data_release")
        .defer("open_data_release__payload")
    )


def public_release(slug: str) -> OpenDataRelease | None:
    """The release of a campaign whose open data is public (without its payload); None otherwise."""
    return (
        OpenDataRelease.objects.filter(campaign__slug=slug, campaign__is_published=True)
        .exclude(campaign__open_data__published=False)
        .select_related("campaign")
        .defer("payload")
        .first()
    )


def payload_text(release: OpenDataRelease) -> str:
    """The release's JSON text as stored (one query)."""
    return OpenDataRelease.objects.filter(pk=release.pk).values_list("payload", flat=True).get()


@lru_cache(maxsize=8)
def _parsed(pk: int, built_at: str) -> dict[str, Any]:
    # Keyed by the build's time too: a rebuilt release is another entry, never a stale one.
    return json.loads(OpenDataRelease.objects.filter(pk=pk).values_list("payload", flat=True).get())


def payload(release: OpenDataRelease) -> dict[str, Any]:
    """The release's content, parsed once per build and process (a national release is megabytes of JSON)."""
    return _parsed(release.pk, release.built_at.isoformat())


@dataclass(frozen=True)
class Definition:
    """An indicator as the open data describes it, in the active language."""

    key: str
    name: str
    definition: str
    unit: str
    dimensions: tuple[str, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "definition": self.definition,
            "unit": self.unit,
            "dimensions": list(self.dimensions),
        }


def _definition(indicator: Indicator) -> Definition:
    return Definition(
        key=indicator.key,
        name=str(indicator.name),
        definition=str(indicator.definition),
        unit=str(indicator.unit),
        dimensions=indicator.dimensions,
    )


def definitions(keys: Iterable[str] | None = None) -> list[Definition]:
    """The registered indicators (or those of `keys` still registered), in the registry's order."""
    wanted = None if keys is None else set(keys)
    return [
        _definition(indicator)
        for indicator in registry.indicators_in_order()
        if wanted is None or indicator.key in wanted
    ]


def dimension_label(dimension: str) -> str:
    labels = {
        "region": _("Region"),
        "province": _("Province or prefecture"),
        "commune": _("Commune"),
        "category": _("Category"),
        "day": _("Day"),
        "kind": _("Kind"),
    }
    return labels.get(dimension, dimension)
