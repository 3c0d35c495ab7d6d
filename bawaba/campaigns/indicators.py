"""The campaigns' indicators (issue 15): the candidates and the needs of a campaign, live selectors over its data,
registered in CampaignsConfig.ready() (bawaba.core.contributions.Indicator).

Each compute function answers `{tuple of the breakdown's values: figure}` (`{(): figure}` for the whole campaign).
The territory is given by its codes; a candidate without a residence commune counts under "" (an unknown area),
so that a breakdown always adds up to the total.
"""

from collections.abc import Mapping

from django.db.models import Sum

from bawaba.campaigns.models import Application, Campaign, CommuneNeed
from bawaba.core.indicator_queries import grouped_figures

# Where each dimension is read: a candidate's area is her residence (MISSION.md's candidacies by region are the
# candidates of each region), a need's its commune.
_CANDIDATE_PATHS = {
    "region": "residence_commune__region__code",
    "province": "residence_commune__province__code",
    "commune": "residence_commune__code",
    "category": "category",
    "day": "submitted_at",
}
_NEED_PATHS = {
    "region": "commune__region__code",
    "province": "commune__province__code",
    "commune": "commune__code",
}
CANDIDATE_DIMENSIONS = tuple(_CANDIDATE_PATHS)
NEED_DIMENSIONS = tuple(_NEED_PATHS)


def candidates(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    """Submitted applications (not drafts, not withdrawn), in all or by residence area, category or day of
    submission (in Morocco's time)."""
    rows = Application.objects.filter(campaign=campaign, status=Application.Status.SUBMITTED)
    return grouped_figures(rows, _CANDIDATE_PATHS, by)


def _needs(campaign: Campaign, stage: str, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    rows = CommuneNeed.objects.filter(campaign=campaign, stage=stage)
    return grouped_figures(rows, _NEED_PATHS, by, Sum("quantity"))


def training_needs(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    """Trainees the campaign needs, per commune as set by its needs file, in all or by area."""
    return _needs(campaign, CommuneNeed.Stage.TRAINING, by)


def field_needs(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    """Field staff the campaign needs at the end, per commune, in all or by area."""
    return _needs(campaign, CommuneNeed.Stage.FIELD, by)
