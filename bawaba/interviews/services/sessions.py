"""Writes of interview sessions: a supervisor sets up a day of interviews at a place of her province, cut into slots;
a session nobody is convoked to may be deleted."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bawaba.accounts.models import Assignment, User
from bawaba.accounts.scopes import scope_of
from bawaba.campaigns.models import Campaign
from bawaba.core.audit import record_event
from bawaba.interviews.calendar import MOROCCO
from bawaba.interviews.models import Convocation, InterviewSession, InterviewSlot
from bawaba.territory.models import Province

MAX_SLOTS_PER_SESSION = 96  # a day cut into five-minute slots is already 288: 96 keeps sessions readable
MAX_PLACES_PER_SLOT = 200


@dataclass(frozen=True)
class SessionPlan:
    place_name: str
    address: str
    latitude: float | None
    longitude: float | None
    day: dt.date
    starts_at: dt.time
    ends_at: dt.time
    slot_minutes: int
    places_per_slot: int


def slot_times(plan: SessionPlan) -> list[tuple[dt.datetime, dt.datetime]]:
    """The slots of a session in Morocco's time: from the start, every `slot_minutes`, each ending by the end."""
    start = dt.datetime.combine(plan.day, plan.starts_at, tzinfo=MOROCCO)
    end = dt.datetime.combine(plan.day, plan.ends_at, tzinfo=MOROCCO)
    step = dt.timedelta(minutes=plan.slot_minutes)
    times = []
    while start + step <= end:
        times.append((start, start + step))
        start += step
    return times


def check_plan(plan: SessionPlan, *, today: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    """The plan's slots, or ValidationError saying what is wrong."""
    if plan.day < today:
        raise ValidationError(_("A session cannot be set up on a day that has passed."), code="past")
    if plan.ends_at <= plan.starts_at:
        raise ValidationError(_("A session must end after it starts."), code="order")
    if (plan.latitude is None) != (plan.longitude is None):
        raise ValidationError(
            _("Give both the latitude and the longitude of the place, or neither."), code="point"
        )
    if not 1 <= plan.places_per_slot <= MAX_PLACES_PER_SLOT:
        raise ValidationError(
            _("A slot holds from 1 to %(most)d candidates.") % {"most": MAX_PLACES_PER_SLOT}, code="places"
        )
    times = slot_times(plan)
    if not times:
        raise ValidationError(_("The session is shorter than one slot."), code="short")
    if len(times) > MAX_SLOTS_PER_SESSION:
        raise ValidationError(
            _("A session has at most %(most)d slots: make the slots longer or the session shorter.")
            % {"most": MAX_SLOTS_PER_SESSION},
            code="long",
        )
    return times


def interviewers_for(province: Province) -> QuerySet[User]:
    """The staff who may interview in a province: interviewers assigned to it (or to its whole region)."""
    assigned_there = Assignment.objects.filter(
        Q(provinces=province) | Q(region_id=province.region_id), role=Assignment.Role.INTERVIEWER
    )
    return User.objects.filter(is_active=True, pk__in=assigned_there.values("user_id")).order_by("email")


def create_session(
    *,
    campaign: Campaign,
    province: Province,
    plan: SessionPlan,
    interviewers: list[Any],
    actor: Any,
    today: dt.date,
) -> InterviewSession:
    """A session and its slots, in one transaction. The interviewers must interview in the province."""
    times = check_plan(plan, today=today)
    allowed = set(interviewers_for(province).values_list("pk", flat=True))
    strangers = [user for user in interviewers if user.pk not in allowed]
    if strangers:
        raise ValidationError(_("Only interviewers of the province may be named."), code="interviewers")
    with transaction.atomic():
        session = InterviewSession.objects.create(
            campaign=campaign,
            province=province,
            place_name=plan.place_name,
            address=plan.address,
            latitude=plan.latitude,
            longitude=plan.longitude,
            day=plan.day,
            starts_at=plan.starts_at,
            ends_at=plan.ends_at,
            slot_minutes=plan.slot_minutes,
            places_per_slot=plan.places_per_slot,
            created_by=actor,
        )
        session.interviewers.set(interviewers)
        InterviewSlot.objects.bulk_create(
            InterviewSlot(session=session, starts_at=start, ends_at=end, capacity=plan.places_per_slot)
            for start, end in times
        )
        record_event(
            actor=actor,
            action="interviews.session_created",
            target=session,
            data={"province": province.code, "day": plan.day.isoformat(), "slots": len(times)},
        )
    return session


def delete_session(*, session: InterviewSession, actor: Any) -> None:
    """Delete a session nobody was ever convoked to (a convocation, even withdrawn, keeps it as history)."""
    with transaction.atomic():
        if Convocation.objects.filter(slot__session=session).exists():
            raise ValidationError(
                _("Candidates were convoked to this session: it cannot be deleted."), code="convoked"
            )
        record_event(
            actor=actor,
            action="interviews.session_deleted",
            target=session,
            data={"province": session.province.code, "day": session.day.isoformat()},
        )
        session.delete()


def may_manage_sessions(user: Any, province: Province) -> bool:
    """Central administrators, and supervisors and coordinators of the province, set up its sessions."""
    scope = scope_of(
        user,
        Assignment.Role.CENTRAL_ADMIN,
        Assignment.Role.REGIONAL_COORDINATOR,
        Assignment.Role.PROVINCIAL_SUPERVISOR,
    )
    return scope.covers(province_id=province.pk, region_id=province.region_id)
