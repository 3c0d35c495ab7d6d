"""The supporting documents' indicators (issue 15): the source's five figures of "files" (MISSION.md: uploaded,
examined, accepted, rejected, under examination), registered in DocumentsConfig.ready()
(bawaba.core.contributions.Indicator).

A file is a dossier (one candidate's documents for one application), counted by its status today exactly as the
staff figures count it (bawaba.documents.figures): uploaded = examined + under examination, examined = accepted +
rejected. Where: the dossier's own copy of the commune where she is examined (her place's, or her first choice's
before any), its province and region; her category, as the dossier copied it. One GROUP BY over the dossiers each.
"""

from collections.abc import Mapping, Sequence

from django.db.models import QuerySet

from bawaba.campaigns.models import Campaign
from bawaba.core.indicator_queries import grouped_figures
from bawaba.documents.models import Dossier

Status = Dossier.Status

_PATHS = {
    "region": "region__code",
    "province": "province__code",
    "commune": "commune__code",
    "category": "category",
}
DIMENSIONS = tuple(_PATHS)

UPLOADED = (Status.SUBMITTED, Status.ACCEPTED, Status.REJECTED)
EXAMINED = (Status.ACCEPTED, Status.REJECTED)


def _dossiers(campaign: Campaign, statuses: Sequence[str]) -> QuerySet[Dossier]:
    return Dossier.objects.filter(campaign=campaign, status__in=list(statuses))


def _figures(
    campaign: Campaign, statuses: Sequence[str], by: tuple[str, ...]
) -> Mapping[tuple[str, ...], int]:
    return grouped_figures(_dossiers(campaign, statuses), _PATHS, by)


def uploaded(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, UPLOADED, by)


def examined(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, EXAMINED, by)


def accepted(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, (Status.ACCEPTED,), by)


def rejected(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, (Status.REJECTED,), by)


def under_examination(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    return _figures(campaign, (Status.SUBMITTED,), by)
