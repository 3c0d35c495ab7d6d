"""The in-person training's indicator (issue 15): the selected agents assigned to a training group, registered in
FieldworkConfig.ready() (bawaba.core.contributions.Indicator). One GROUP BY over the group members.

Where: the commune where she is selected as a field agent (the member's copy of her final decision's commune), as
the final selection counts its places (bawaba.interviews.indicators); her category as she declared it.
"""

from collections.abc import Mapping

from bawaba.campaigns.models import Campaign
from bawaba.core.indicator_queries import grouped_figures
from bawaba.fieldwork.models import GroupMember

_PATHS = {
    "region": "commune__region__code",
    "province": "commune__province__code",
    "commune": "commune__code",
    "category": "application__category",
}
DIMENSIONS = tuple(_PATHS)


def assigned(campaign: Campaign, by: tuple[str, ...]) -> Mapping[tuple[str, ...], int]:
    """Members of a training group who have not dropped out (convoked or completed): one group per agent and
    campaign (a constraint), so these are agents."""
    members = GroupMember.objects.filter(campaign=campaign).exclude(status=GroupMember.Status.DROPPED)
    return grouped_figures(members, _PATHS, by)
