"""The interviews' indicators (issue 15): the convoked, the present and the absent, and the published final
selection (its selected field staff and its reserve); registered in InterviewsConfig.ready()
(bawaba.core.contributions.Indicator).

Each compute function answers `{tuple of the breakdown's values: figure}`, one GROUP BY each.

Where they are counted:
* a convocation: where the candidate lives (her application's residence commune), as the training's figures are
  (bawaba.training.indicators: a place given up loses its commune, her residence stays), so that an area's
  figures follow the same people from the training invitation to the interview;
* the final selection: as the preselection's (bawaba.selection.indicators), a place in the commune of that
  place, the reserve in the commune she ranked first.
The category is the one she declared. A row without a commune counts under "".
"""

from collections.abc import Mapping

from django.db.models import QuerySet

from bawaba.campaigns.models import Campaign
from bawaba.core.indicator_queries import grouped_figures
from bawaba.interviews.models import Convocation
from bawaba.selection.indicators import decisions_of_published_run, place_figures, waiting_figures
from bawaba.selection.models import SelectionRun

Status = Convocation.Status

_CONVOCATION_PATHS = {
    "region": "application__residence_commune__region__code",
    "province": "application__residence_commune__province__code",
    "commune": "application__residence_commune__code",
    "category": "application__category",
}
DIMENSIONS = tuple(_CONVOCATION_PATHS)

# A convocation is live until she withdraws it (changing her slot withdraws the old one): at most one live per
# candidate (a partial unique index), so counting live convocations counts candidates.
LIVE = (Status.CONVOKED, Status.CONFIRMED, Status.PRESENT, Status.ABSENT)


def _convocations(campaign: Campaign, statuses: tuple[str, ...]) -> QuerySet[Convocation]:
    return Convocation.objects.filter(campaign=campaign, status__in=list(statuses))


def convoked(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return grouped_figures(_convocations(campaign, LIVE), _CONVOCATION_PATHS, by)


def present(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return grouped_figures(_convocations(campaign, (Status.PRESENT,)), _CONVOCATION_PATHS, by)


def absent(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return grouped_figures(_convocations(campaign, (Status.ABSENT,)), _CONVOCATION_PATHS, by)


def final_selected(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return place_figures(decisions_of_published_run(campaign, SelectionRun.Stage.FIELD), by)


def final_reserve(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return waiting_figures(decisions_of_published_run(campaign, SelectionRun.Stage.FIELD), by)
