"""Writes of training groups: set one up, change it, delete it (only while nobody is in it). Each checked here as
well as by the database: a change never leaves fewer places than members."""

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.fieldwork.models import TrainingGroup
from bawaba.territory.models import Province

MAX_CAPACITY = 10_000
MAX_DAYS = 60


@dataclass(frozen=True)
class GroupPlan:
    place_name: str
    address: str
    latitude: float | None
    longitude: float | None
    starts_on: dt.date
    ends_on: dt.date
    daily_starts_at: dt.time
    daily_ends_at: dt.time
    trainer_name: str
    capacity: int


def check_plan(plan: GroupPlan) -> None:
    errors: dict[str, str] = {}
    if plan.ends_on < plan.starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    elif (plan.ends_on - plan.starts_on).days >= MAX_DAYS:
        errors["ends_on"] = _("A training group lasts at most %(days)d days.") % {"days": MAX_DAYS}
    if plan.daily_ends_at <= plan.daily_starts_at:
        errors["daily_ends_at"] = _("The day must end after it starts.")
    if not 1 <= plan.capacity <= MAX_CAPACITY:
        errors["capacity"] = _("Between 1 and %(max)d places.") % {"max": MAX_CAPACITY}
    if (plan.latitude is None) != (plan.longitude is None):
        errors["longitude"] = _("Give both the latitude and the longitude, or neither.")
    if errors:
        raise ValidationError(errors)


def _audit_data(plan: GroupPlan) -> dict:
    return {key: str(value) if value is not None else None for key, value in asdict(plan).items()}


def create_group(*, campaign: Campaign, province: Province, plan: GroupPlan, actor: Any) -> TrainingGroup:
    check_plan(plan)
    with transaction.atomic():
        group = TrainingGroup.objects.create(
            campaign=campaign, province=province, created_by=actor, **asdict(plan)
        )
        record_event(actor=actor, action="fieldwork.group_created", target=group, data=_audit_data(plan))
    return group


def update_group(*, group: TrainingGroup, plan: GroupPlan, actor: Any) -> TrainingGroup:
    check_plan(plan)
    with transaction.atomic():
        locked = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        if plan.capacity < locked.members:
            raise ValidationError(
                {
                    "capacity": _(
                        "The group already has %(members)d members: it needs at least as many places."
                    )
                    % {"members": locked.members}
                }
            )
        for key, value in asdict(plan).items():
            setattr(locked, key, value)
        locked.save()
        record_event(actor=actor, action="fieldwork.group_changed", target=locked, data=_audit_data(plan))
    return locked


def delete_group(*, group: TrainingGroup, actor: Any) -> None:
    with transaction.atomic():
        locked = TrainingGroup.objects.select_for_update().get(pk=group.pk)
        if locked.memberships.exists():
            raise ValidationError(
                _("Agents are assigned to this group: it cannot be deleted."), code="members"
            )
        record_event(
            actor=actor,
            action="fieldwork.group_deleted",
            target=locked,
            data={"place_name": locked.place_name, "starts_on": str(locked.starts_on)},
        )
        locked.delete()
