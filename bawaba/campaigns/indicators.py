"""The campaigns' indicators (issue 15): the candidates and the needs of a campaign, live selectors over its data,
registered in CampaignsConfig.ready() (bawaba.core.contributions.Indicator).

Each compute function answers `{value of the dimension: figure}`, or `{None: figure}` for the whole campaign. The
territory is given by its codes; a candidate without a residence commune counts under "" (an unknown area), so
that a breakdown always adds up to the total.
"""

from collections.abc import Mapping

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncDate

from bawaba.campaigns.models import Application, Campaign, CommuneNeed
from bawaba.core.dates import MOROCCO

# Where each dimension is read: a candidate's area is her residence (MISSION.md's candidacies by region are the
# candidates of each region), a need's its commune.
_CANDIDATE_PATHS = {
    "region": "residence_commune__region__code",
    "province": "residence_commune__province__code",
    "commune": "residence_commune__code",
    "category": "category",
}
_NEED_PATHS = {
    "region": "commune__region__code",
    "province": "commune__province__code",
    "commune": "commune__code",
}
CANDIDATE_DIMENSIONS = (*_CANDIDATE_PATHS, "day")
NEED_DIMENSIONS = tuple(_NEED_PATHS)


def _breakdown(rows: QuerySet, path: str, total) -> dict[str | None, int]:
    figures: dict[str | None, int] = {}
    for value, figure in rows.values_list(path).annotate(figure=total).order_by():
        key = "" if value is None else str(value)
        figures[key] = figures.get(key, 0) + int(figure or 0)
    return figures


def candidates(campaign: Campaign, by: str | None) -> Mapping[str | None, int]:
    """Submitted applications (not drafts, not withdrawn), in all or by residence area, category or day of
    submission (in Morocco's time)."""
    rows = Application.objects.filter(campaign=campaign, status=Application.Status.SUBMITTED)
    if by is None:
        return {None: rows.count()}
    if by == "day":
        days = rows.annotate(day=TruncDate("submitted_at", tzinfo=MOROCCO))
        return {
            ("" if day is None else day.isoformat()): figure
            for day, figure in days.values_list("day").annotate(figure=Count("pk")).order_by("day")
        }
    return _breakdown(rows, _CANDIDATE_PATHS[by], Count("pk"))


def _needs(campaign: Campaign, stage: str, by: str | None) -> Mapping[str | None, int]:
    rows = CommuneNeed.objects.filter(campaign=campaign, stage=stage)
    if by is None:
        return {None: int(rows.aggregate(total=Sum("quantity"))["total"] or 0)}
    return _breakdown(rows, _NEED_PATHS[by], Sum("quantity"))


def training_needs(campaign: Campaign, by: str | None) -> Mapping[str | None, int]:
    """Trainees the campaign needs, per commune as set by its needs file, in all or by area."""
    return _needs(campaign, CommuneNeed.Stage.TRAINING, by)


def field_needs(campaign: Campaign, by: str | None) -> Mapping[str | None, int]:
    """Field staff the campaign needs at the end, per commune, in all or by area."""
    return _needs(campaign, CommuneNeed.Stage.FIELD, by)
