"""Reads for the selection's staff pages. A run's frozen inputs (megabytes) are loaded only to verify the run."""

from django.db.models import Count, Max, QuerySet

from bawaba.campaigns.models import Campaign, CampaignRules
from bawaba.selection.models import PlaceRelease, PromotionRound, SelectionRun
from bawaba.selection.selectors import withdrawn_decisions
from bawaba.territory.models import Region


def campaigns_for_selection() -> QuerySet[Campaign]:
    """Every campaign, newest first, with its latest rules version and its number of runs."""
    return (
        Campaign.objects.order_by("-registration_opens_at", "-pk")
        .only("slug", "title_ar", "title_fr", "title_en", "registration_opens_at", "registration_closes_at")
        .annotate(
            rules_version=Max("rules_versions__version"),
            run_count=Count("selection_runs", distinct=True),
        )
    )


def rules_history(campaign: Campaign) -> QuerySet[CampaignRules]:
    """The campaign's rules versions, newest first, with their authors."""
    return (
        CampaignRules.objects.filter(campaign=campaign)
        .select_related("created_by")
        .defer("rules")
        .order_by("-version")
    )


def runs_of(campaign: Campaign) -> QuerySet[SelectionRun]:
    """The campaign's runs, newest first, for the list (frozen inputs and rules left in the database)."""
    return (
        SelectionRun.objects.filter(campaign=campaign)
        .select_related("rules_version", "created_by")
        .defer("frozen_inputs", "rules_version__rules")
        .order_by("-created_at", "-id")
    )


def run_for_staff(pk: int) -> SelectionRun:
    """One run for its staff page, without its frozen inputs; SelectionRun.DoesNotExist if there is none."""
    return (
        SelectionRun.objects.select_related(
            "campaign", "rules_version", "created_by", "published_by", "publish_requested_by"
        )
        .defer("frozen_inputs", "rules_version__rules")
        .get(pk=pk)
    )


def campaign_for_selection(slug: str) -> Campaign:
    """The campaign of the selection pages; Campaign.DoesNotExist if there is none."""
    return Campaign.objects.get(slug=slug)


def run_for_verification(pk: int) -> SelectionRun:
    """What verifying a run reads: its frozen inputs, digests, status, seed and report summary."""
    return SelectionRun.objects.only(
        "id", "frozen_inputs", "input_digest", "output_digest", "status", "seed", "summary"
    ).get(pk=pk)


def rules_version_of(campaign: Campaign, version: int) -> CampaignRules:
    """One version of the campaign's rules with its author; CampaignRules.DoesNotExist if there is none."""
    return CampaignRules.objects.select_related("created_by").get(campaign=campaign, version=version)


def regions_for_rules() -> list[Region]:
    """The regions, by code, with what the rules pages show of them (their per-region factors)."""
    return list(Region.objects.order_by("code").only("code", "name_fr", "name_ar"))


def published_run_of(campaign: Campaign, stage: str = SelectionRun.Stage.PRESELECTION) -> SelectionRun | None:
    """The campaign's published run of the stage, without its frozen inputs."""
    return (
        SelectionRun.objects.filter(campaign=campaign, stage=stage, status=SelectionRun.Status.PUBLISHED)
        .defer("frozen_inputs", "summary")
        .order_by("-published_at")
        .first()
    )


def releases_since_last_round(run: SelectionRun) -> dict[str, int]:
    """Places released and not yet given away, by PlaceRelease.Reason: the withdrawals the next round will find
    count as withdrawn already."""
    counts = dict(
        PlaceRelease.objects.filter(run=run, promotion_round__isnull=True)
        .values_list("reason")
        .annotate(count=Count("pk"))
        .order_by()
    )
    withdrawn = withdrawn_decisions(run).order_by().count()
    if withdrawn:
        counts[PlaceRelease.Reason.WITHDRAWN] = counts.get(PlaceRelease.Reason.WITHDRAWN, 0) + withdrawn
    return counts


def promotion_rounds_of(run: SelectionRun) -> QuerySet[PromotionRound]:
    """The run's promotion rounds, newest first, with who ran them."""
    return PromotionRound.objects.filter(run=run).select_related("created_by").order_by("-number")
