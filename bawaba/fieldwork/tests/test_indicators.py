"""The in-person training's indicator: the agents in a training group who have not dropped out, a count of the
campaign's members made here in Python by the commune where each is selected and her category; it adds up."""

from bawaba.fieldwork.models import GroupMember
from bawaba.indicators.tests.every_stage import (
    areas,
    assert_counts,
)


def test_the_assigned_are_the_members_who_have_not_dropped_out(every_stage):
    where = areas()
    members = list(GroupMember.objects.filter(campaign=every_stage).select_related("application"))
    statuses = {member.status for member in members}
    assert GroupMember.Status.DROPPED in statuses and GroupMember.Status.COMPLETED in statuses
    rows = [
        {**where[member.commune_id], "category": member.application.category}
        for member in members
        if member.status != GroupMember.Status.DROPPED
    ]
    assert_counts("fieldwork.assigned", every_stage, rows)
