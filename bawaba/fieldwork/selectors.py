"""Reads of the in-person training: groups per province with their room, a group's members and their attendance,
the field staff of a province (the agents who completed the training)."""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from bawaba.campaigns.models import Campaign
from bawaba.fieldwork.models import Attendance, GroupMember, TrainingGroup
from bawaba.territory.models import Province


def groups_of(campaign: Campaign, province: Province) -> QuerySet[TrainingGroup]:
    return TrainingGroup.objects.filter(campaign=campaign, province=province).order_by(
        "starts_on", "daily_starts_at", "pk"
    )


def groups_per_province(campaign: Campaign, provinces: QuerySet[Province]) -> list[dict]:
    """Per province of the scope: its groups, places, members and agents who completed (grouped queries)."""
    rows = {
        row["province_id"]: row
        for row in TrainingGroup.objects.filter(campaign=campaign, province__in=provinces)
        .values("province_id")
        .annotate(groups=Count("pk"), capacity=Sum("capacity"), members=Sum("members"))
        .order_by()
    }
    completed = dict(
        GroupMember.objects.filter(
            campaign=campaign, group__province__in=provinces, status=GroupMember.Status.COMPLETED
        )
        .values_list("group__province_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    empty = {"groups": 0, "capacity": 0, "members": 0}
    return [
        {"province": province, **rows.get(province.pk, empty), "completed": completed.get(province.pk, 0)}
        for province in provinces.order_by("code")
    ]


@dataclass(frozen=True)
class MemberLine:
    member: GroupMember
    present_on_day: bool | None  # the chosen day's record; None when not recorded yet
    days_present: int
    days_recorded: int


def member_lines(group: TrainingGroup, day: dt.date | None) -> list[MemberLine]:
    members = list(
        GroupMember.objects.filter(group=group)
        .select_related("application", "commune")
        .annotate(
            days_present=Count("attendances", filter=Q(attendances__present=True)),
            days_recorded=Count("attendances"),
        )
        .order_by("application__last_name_latin", "application__first_name_latin", "pk")
    )
    on_day = (
        dict(Attendance.objects.filter(member__group=group, day=day).values_list("member_id", "present"))
        if day is not None
        else {}
    )
    return [
        MemberLine(
            member=member,
            present_on_day=on_day.get(member.pk),
            days_present=member.days_present,
            days_recorded=member.days_recorded,
        )
        for member in members
    ]


def field_staff(campaign: Campaign, province: Province) -> QuerySet[GroupMember]:
    """The agents of the province who completed the training: the campaign's field staff there."""
    return (
        GroupMember.objects.filter(
            campaign=campaign, group__province=province, status=GroupMember.Status.COMPLETED
        )
        .select_related("application__user", "commune", "group__province")
        .order_by("commune__name_fr", "application__last_name_latin", "application__first_name_latin", "pk")
    )


def field_staff_rows(campaign: Campaign, province: Province) -> Iterator[list]:
    """The export's rows: plain values (text, dates), the same for the CSV and the XLSX files."""
    for member in field_staff(campaign, province):
        application = member.application
        yield [
            application.cin or "",
            application.last_name_ar,
            application.first_name_ar,
            application.last_name_latin,
            application.first_name_latin,
            application.sex,
            application.birth_date,
            application.phone,
            application.user.email,
            member.group.province.name,
            member.commune.name,
            member.group.place_name,
            member.group.starts_on,
            member.group.ends_on,
            member.status,
        ]
