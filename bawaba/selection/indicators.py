"""The selection's indicators (issue 15): who holds a place in the campaign's published preselection, who waits on
its lists, who was promoted from them; registered in SelectionConfig.ready() (bawaba.core.contributions.Indicator).

Each compute function answers `{tuple of the breakdown's values: figure}` (`{(): figure}` for the whole campaign),
one GROUP BY over the run's decisions. The decisions are the run's as its promotion rounds left them (a round
rewrites the decisions it changes: bawaba.selection.services.promotion), so the figures are those of today.

Where each is counted: a place in the commune of that place; a waiting candidate, who waits on the list of every
commune of her list, in the commune she ranked first (each candidate once, so that the areas add up); a promotion
in the commune it gave. The category is the one she declared. A decision without a commune counts under "".
"""

from collections.abc import Mapping

from django.db.models import FilteredRelation, Q, QuerySet

from bawaba.campaigns.models import Campaign
from bawaba.core.indicator_queries import grouped_figures
from bawaba.selection.models import Promotion, SelectionDecision, SelectionRun

Outcome = SelectionDecision.Outcome

_PLACE_PATHS = {
    "region": "commune__region__code",
    "province": "commune__province__code",
    "commune": "commune__code",
    "category": "application__category",
}
# The commune she ranked first, through the annotation `first_choice_relation` adds.
FIRST_CHOICE = "first_choice"
_FIRST_CHOICE_PATHS = {
    "region": f"{FIRST_CHOICE}__commune__region__code",
    "province": f"{FIRST_CHOICE}__commune__province__code",
    "commune": f"{FIRST_CHOICE}__commune__code",
    "category": "application__category",
}
_PROMOTION_PATHS = _PLACE_PATHS
DIMENSIONS = ("region", "province", "commune", "category")


def published_run_id(campaign: Campaign, stage: str) -> int | None:
    """The id of the campaign's published run of `stage` (at most one: a constraint), or None.

    Read first, so that the counts filter the decisions by a constant run id, which their unique (run,
    application) index serves.
    """
    return (
        SelectionRun.objects.filter(campaign=campaign, stage=stage, status=SelectionRun.Status.PUBLISHED)
        .values_list("pk", flat=True)
        .first()
    )


def decisions_of_published_run(campaign: Campaign, stage: str) -> QuerySet[SelectionDecision]:
    """The decisions of the campaign's published run of `stage`; none before it is published."""
    run_id = published_run_id(campaign, stage)
    if run_id is None:
        return SelectionDecision.objects.none()
    return SelectionDecision.objects.filter(run_id=run_id)


def with_first_choice(decisions: QuerySet[SelectionDecision]) -> QuerySet[SelectionDecision]:
    """The decisions with their application's first choice (rank 1) joined as FIRST_CHOICE: one outer join on the
    choices' unique (application, rank) key, never a query per row."""
    return decisions.annotate(
        **{FIRST_CHOICE: FilteredRelation("application__choices", condition=Q(application__choices__rank=1))}
    )


def place_figures(
    decisions: QuerySet[SelectionDecision], by: tuple[str, ...]
) -> Mapping[tuple[str, ...], int]:
    """The decisions holding a place now, by the commune of the place and her category."""
    return grouped_figures(decisions.filter(outcome=Outcome.ADMITTED), _PLACE_PATHS, by)


def waiting_figures(
    decisions: QuerySet[SelectionDecision], by: tuple[str, ...]
) -> Mapping[tuple[str, ...], int]:
    """The decisions on a waiting list now, by the commune she ranked first and her category."""
    return grouped_figures(
        with_first_choice(decisions.filter(outcome=Outcome.WAITLISTED)), _FIRST_CHOICE_PATHS, by
    )


def preselected(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return place_figures(decisions_of_published_run(campaign, SelectionRun.Stage.PRESELECTION), by)


def waiting(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return waiting_figures(decisions_of_published_run(campaign, SelectionRun.Stage.PRESELECTION), by)


def promoted(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    """The promotions from a waiting list (not the moves to a commune ranked higher) of the published
    preselection's rounds: at most one per candidate, since a candidate leaves the lists once promoted."""
    run_id = published_run_id(campaign, SelectionRun.Stage.PRESELECTION)
    if run_id is None:
        rows = Promotion.objects.none()
    else:
        rows = Promotion.objects.filter(promotion_round__run_id=run_id, previous_commune__isnull=True)
    return grouped_figures(rows, _PROMOTION_PATHS, by)
