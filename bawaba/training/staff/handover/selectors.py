"""Reads of the hand-over page: who still waits to be handed over, per region; the past exports."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from bawaba.campaigns.models import Campaign
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.territory.models import Region
from bawaba.training.models import MoodleExport, TrainingAccount


@dataclass(frozen=True)
class RegionWaiting:
    region: Region
    waiting: int
    handed_over: int


def accounts_by_region(campaign: Campaign, run: SelectionRun, regions: list[Region]) -> list[RegionWaiting]:
    """Per region (of the commune she is admitted in), the admitted candidates' accounts waiting to be handed
    over and those handed over: one grouped query."""
    counts = (
        TrainingAccount.objects.filter(
            campaign=campaign,
            application__selection_decisions__run=run,
            application__selection_decisions__outcome=SelectionDecision.Outcome.ADMITTED,
        )
        .values_list("application__selection_decisions__commune__region_id")
        .annotate(waiting=Count("pk", filter=Q(exported_at__isnull=True)), accounts=Count("pk"))
        .order_by()
    )
    waiting: dict[int, int] = {}
    handed_over: dict[int, int] = {}
    for region_id, not_exported, accounts in counts:
        waiting[region_id] = not_exported
        handed_over[region_id] = accounts - not_exported
    return [
        RegionWaiting(
            region=region, waiting=waiting.get(region.pk, 0), handed_over=handed_over.get(region.pk, 0)
        )
        for region in regions
    ]


def exports_of(campaign: Campaign) -> QuerySet[MoodleExport]:
    """The campaign's exports, newest first, with who made them and their region."""
    return (
        MoodleExport.objects.filter(campaign=campaign)
        .select_related("created_by", "region")
        .order_by("-created_at", "-pk")
    )
