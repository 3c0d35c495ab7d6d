"""Her training group on her dashboard: where and when, her trainer, her attendance and whether she completed."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest

from bawaba.campaigns.models import Application
from bawaba.fieldwork.models import GroupMember


def training_group_sections(
    request: HttpRequest, applications: Sequence[Any]
) -> Mapping[int, Mapping[str, Any]]:
    """{application pk: her membership (with its group), days present, days recorded}: one query, none when she
    has no submitted application."""
    submitted = [a.pk for a in applications if a.status == Application.Status.SUBMITTED]
    if not submitted:  # a draft is in no group: no query
        return {}
    members = (
        GroupMember.objects.filter(application__in=submitted)
        .select_related("group")
        .annotate(
            days_present=Count("attendances", filter=Q(attendances__present=True)),
            days_recorded=Count("attendances"),
        )
    )
    return {
        member.application_id: {
            "member": member,
            "group": member.group,
            "days_present": member.days_present,
            "days_recorded": member.days_recorded,
        }
        for member in members
    }
