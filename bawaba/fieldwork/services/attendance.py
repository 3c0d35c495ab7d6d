"""The supervisor's record of a group's training: who was there on each day, who completed it, who dropped out."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from bawaba.core.audit import record_event
from bawaba.fieldwork.models import Attendance, GroupMember, TrainingGroup


def training_days(group: TrainingGroup) -> list[dt.date]:
    return [group.starts_on + dt.timedelta(days=n) for n in range((group.ends_on - group.starts_on).days + 1)]


def record_attendance(
    *, group: TrainingGroup, day: dt.date, present: Iterable[int], actor: Any
) -> dict[str, int]:
    """One day of the group: the members whose ids are in `present` were there, the others (not dropped) were
    not. Recording a day again replaces what was recorded for it."""
    if not group.starts_on <= day <= group.ends_on:
        raise ValidationError(_("This day is not one of the group's training days."), code="day")
    present_ids = set(present)
    with transaction.atomic():
        members = list(
            GroupMember.objects.select_for_update()
            .filter(group=group)
            .exclude(status=GroupMember.Status.DROPPED)
            .order_by("pk")
        )
        if present_ids - {member.pk for member in members}:
            raise ValidationError(_("Someone ticked is not a member of this group."), code="member")
        existing = {a.member_id: a for a in Attendance.objects.filter(member__in=members, day=day)}
        new, changed = [], []
        for member in members:
            here = member.pk in present_ids
            record = existing.get(member.pk)
            if record is None:
                new.append(Attendance(member=member, day=day, present=here, recorded_by=actor))
            elif record.present != here:
                record.present, record.recorded_by = here, actor
                changed.append(record)
        Attendance.objects.bulk_create(new)
        for record in changed:
            record.save(update_fields=["present", "recorded_by", "recorded_at"])
        counts = {"present": len(present_ids), "absent": len(members) - len(present_ids)}
        record_event(
            actor=actor,
            action="fieldwork.attendance_recorded",
            target=group,
            data={"day": str(day), **counts},
        )
    return counts


def set_status(*, group: TrainingGroup, member_ids: Iterable[int], status: str, actor: Any) -> int:
    """Mark members of the group completed, dropped, or back to convoked; how many changed."""
    if status not in GroupMember.Status.values:
        raise ValidationError(_("Choose what to mark."), code="status")
    ids = set(member_ids)
    dropped = GroupMember.Status.DROPPED
    with transaction.atomic():
        TrainingGroup.objects.select_for_update().filter(pk=group.pk).first()
        members = GroupMember.objects.select_for_update().filter(group=group, pk__in=ids)
        if members.count() != len(ids):
            raise ValidationError(_("Someone ticked is not a member of this group."), code="member")
        changed = dict(members.exclude(status=status).values_list("pk", "status"))
        # A dropped member holds no place: dropping frees hers, coming back takes one if the group has room.
        back = sum(1 for old in changed.values() if old == dropped) if status != dropped else 0
        leaving = len(changed) if status == dropped else 0
        if back and not TrainingGroup.objects.filter(pk=group.pk, members__lte=F("capacity") - back).update(
            members=F("members") + back
        ):
            raise ValidationError(_("The group has no room left to take them back."), code="full")
        if leaving:
            TrainingGroup.objects.filter(pk=group.pk).update(members=F("members") - leaving)
        GroupMember.objects.filter(pk__in=list(changed)).update(status=status)
        record_event(
            actor=actor,
            action="fieldwork.members_marked",
            target=group,
            data={"status": status, "members": sorted(changed)},
        )
    return len(changed)
