"""Reads of a campaign's needs for the staff pages: totals by stage and region, the export, an import's preview.

Each read is a fixed number of queries whatever the number of communes (1,503 x 2 stages for the census): rows
are read as tuples and summed in Python, never a query per commune.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.db.models import Count, Sum

from bawaba.campaigns.models import Campaign, CommuneNeed, NeedsImport
from bawaba.campaigns.needs.csvfile import NeedsChange, compare_needs
from bawaba.territory.models import Commune, Region

Stage = CommuneNeed.Stage
NeedKey = tuple[int, str]  # (commune id, stage)


def current_needs(campaign: Campaign, *, stages: Collection[str]) -> dict[NeedKey, int]:
    """The campaign's needs at `stages`, keyed by (commune id, stage)."""
    rows = CommuneNeed.objects.filter(campaign=campaign, stage__in=list(stages)).values_list(
        "commune_id", "stage", "quantity"
    )
    return {(commune_id, stage): quantity for commune_id, stage, quantity in rows}


def needs_fingerprint(needs: Mapping[NeedKey, int]) -> str:
    """A digest of needs: equal exactly when the same communes need the same numbers at the same stages."""
    canonical = json.dumps(sorted([commune_id, stage, need] for (commune_id, stage), need in needs.items()))
    return hashlib.sha256(canonical.encode()).hexdigest()


def needs_export(campaign: Campaign) -> list[tuple[str, str, int]]:
    """Every need of the campaign as (commune code, stage, need), by commune code then stage: the file format."""
    rows = (
        CommuneNeed.objects.filter(campaign=campaign)
        .order_by("commune__code", "stage")
        .values_list("commune__code", "stage", "quantity")
    )
    return list(rows)


@dataclass(frozen=True)
class StageTotal:
    stage: str
    label: str
    communes: int
    total: int


def needs_by_stage(campaign: Campaign) -> list[StageTotal]:
    """For each stage, how many communes have a need and the national total (0 for a stage without needs)."""
    found = {
        row["stage"]: row
        for row in CommuneNeed.objects.filter(campaign=campaign)
        .order_by()
        .values("stage")
        .annotate(communes=Count("pk"), total=Sum("quantity"))
    }
    return [
        StageTotal(
            stage, str(label), found.get(stage, {}).get("communes", 0), found.get(stage, {}).get("total", 0)
        )
        for stage, label in Stage.choices
    ]


@dataclass(frozen=True)
class Figures:
    """One stage's total in one place (a region, the nation): now, and once the file is applied."""

    current: int
    new: int

    @property
    def difference(self) -> int:
        return self.new - self.current


@dataclass(frozen=True)
class RegionFigures:
    region: Region
    by_stage: list[Figures]  # in the order of NeedsPreview.stages


@dataclass(frozen=True)
class NeedsPreview:
    """What applying an import would do: the totals per region and stage before and after, and the rows changed."""

    needs_import: NeedsImport
    stages: list[tuple[str, str]]  # (code, label) of the stages in the file, in Stage's order
    regions: list[RegionFigures]
    national: list[Figures]
    change: NeedsChange
    # The needs changed since the file was checked (another file applied): the figures above are today's, but
    # applying is refused, so that nobody applies a comparison they did not see.
    is_stale: bool


def imported_needs(needs_import: NeedsImport) -> dict[NeedKey, int]:
    return {(commune_id, stage): need for commune_id, stage, need in needs_import.rows}


def needs_preview(needs_import: NeedsImport) -> NeedsPreview:
    """The preview of a checked file against the campaign's needs as they are now (four queries)."""
    stages = [(code, str(label)) for code, label in Stage.choices if code in needs_import.stages]
    codes = [code for code, _ in stages]
    current = current_needs(needs_import.campaign, stages=codes)
    incoming = imported_needs(needs_import)
    region_of = dict(Commune.objects.values_list("pk", "region_id"))
    sums: dict[tuple[int | None, str, str], int] = defaultdict(int)
    for label, needs in (("current", current), ("new", incoming)):
        for (commune_id, stage), need in needs.items():
            sums[(region_of.get(commune_id), stage, label)] += need
            sums[(None, stage, label)] += need

    def figures(region_id: int | None) -> list[Figures]:
        return [Figures(sums[(region_id, code, "current")], sums[(region_id, code, "new")]) for code in codes]

    return NeedsPreview(
        needs_import=needs_import,
        stages=stages,
        regions=[RegionFigures(region, figures(region.pk)) for region in Region.objects.order_by("code")],
        national=figures(None),
        change=compare_needs(current, incoming, stages=codes),
        is_stale=needs_fingerprint(current) != needs_import.base_digest,
    )


def needs_by_region(campaign: Campaign) -> list[RegionFigures]:
    """Every region's total need per stage (all stages, Stage's order); `current` and `new` are the same."""
    sums: dict[tuple[int, str], int] = defaultdict(int)
    rows = (
        CommuneNeed.objects.filter(campaign=campaign)
        .order_by()
        .values_list("commune__region_id", "stage")
        .annotate(total=Sum("quantity"))
    )
    for region_id, stage, total in rows:
        sums[(region_id, stage)] += total
    return [
        RegionFigures(
            region, [Figures(sums[(region.pk, code)], sums[(region.pk, code)]) for code in Stage.values]
        )
        for region in Region.objects.order_by("code")
    ]


def pending_import(campaign: Campaign) -> NeedsImport | None:
    """The file waiting on its preview page for this campaign, if any (there is at most one)."""
    return (
        NeedsImport.objects.filter(campaign=campaign, status=NeedsImport.Status.PENDING)
        .select_related("created_by")
        .defer("rows")
        .order_by("-created_at")
        .first()
    )


def needs_import_of(campaign: Campaign, pk: int) -> NeedsImport:
    """One import of this campaign (NeedsImport.DoesNotExist for another campaign's or none)."""
    return NeedsImport.objects.select_related("campaign", "created_by").get(campaign=campaign, pk=pk)
