"""Writes of convocations: convoke a province's called candidates into its sessions (the mass path, each message
with its calendar file), and the candidate's answers: confirm, change her slot, withdraw.

The slot's `convoked` counter moves in the same transaction as the convocation, by a conditional UPDATE
(`convoked < capacity`), and the database checks `convoked <= capacity` besides: two candidates taking the last
place at once cannot both have it. A candidate has one live convocation (a partial unique index).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.people import PERSON_FIELDS, Person, person_of, read_people
from bawaba.core import dates
from bawaba.core.audit import record_event
from bawaba.core.bulk import BulkWriter
from bawaba.interviews import convocation as rule
from bawaba.interviews.models import Convocation, InterviewSession, InterviewSlot
from bawaba.interviews.selectors import FACT_FIELDS, call_rows_with, call_rules, line_of
from bawaba.notifications.mailings import Recipients, create_mailing, message_id_domain
from bawaba.notifications.services import queue_email
from bawaba.territory.models import Commune, Province

CONVOCATION_KIND = "interview_convocation"
# A candidate may change or withdraw until this long before her slot, and move only to a slot at least this far off.
CHANGE_NOTICE = dt.timedelta(hours=24)
# Answerable by her: not yet interviewed. Every status but WITHDRAWN holds a seat in its slot.
LIVE = [Convocation.Status.CONVOKED, Convocation.Status.CONFIRMED]
HOLDING_A_SEAT = [*LIVE, Convocation.Status.PRESENT, Convocation.Status.ABSENT]


@dataclass(frozen=True)
class ProvinceConvocations:
    convoked: int
    unplaced: int
    already: int


def _site_url() -> str:
    return (settings.BAWABA_SITE_URL or "").rstrip("/")


class Texts:
    """What every message in one language shares (the dashboard's address, the campaign's title, a slot's time in
    words), made once per language or slot however many messages a province's mailing holds."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self._made: dict[tuple, str] = {}

    def _once(self, key: tuple, make) -> str:
        if key not in self._made:
            with translation.override(key[0]):
                self._made[key] = make()
        return self._made[key]

    def dashboard(self, language: str) -> str:
        return self._once((language, "dashboard"), lambda: _site_url() + reverse("portal:dashboard"))

    def title(self, language: str) -> str:
        return self._once((language, "title"), lambda: self.campaign.title)

    def when(self, language: str, moment: dt.datetime) -> str:
        return self._once(
            (language, "when", moment),
            lambda: (
                pgettext("date and time", "%(date)s at %(time)s")
                % {"date": dates.day(moment, language), "time": dates.clock(moment)}
            ),
        )


def convocation_uid(campaign_id: int, application_id: int, number: int) -> str:
    """Stable across slot changes (a new SEQUENCE replaces the event); `number` counts her earlier convocations
    (0 for the first), so that one convoked again after withdrawing gets a new event."""
    return f"interview-{campaign_id}-{application_id}-{number}@{message_id_domain()}"


def convocation_context(
    *,
    person: Person,
    slot: InterviewSlot,
    session: InterviewSession,
    uid: str,
    sequence: int,
    stamp: dt.datetime,
    texts: Texts,
) -> dict:
    """What one convocation's e-mail and calendar file say (JSON-ready: the outbox stores it)."""
    language = person.language
    return {
        "campaign_title": texts.title(language),
        "when": texts.when(language, slot.starts_at),
        "name": person.full_name(),
        "place": session.place_name,
        "address": session.address,
        "starts_at": slot.starts_at.isoformat(),
        "ends_at": slot.ends_at.isoformat(),
        "latitude": session.latitude,
        "longitude": session.longitude,
        "uid": uid,
        "sequence": sequence,
        "stamp": stamp.isoformat(),
        "dashboard_url": texts.dashboard(language),
    }


def _open_slots(campaign: Campaign, province: Province, *, after: dt.datetime):
    return (
        InterviewSlot.objects.filter(
            session__campaign=campaign,
            session__province=province,
            starts_at__gte=after,
            convoked__lt=F("capacity"),
        )
        .select_related("session")
        .order_by("starts_at", "pk")
    )


def convoke_province(*, campaign: Campaign, province: Province, actor: Any) -> ProvinceConvocations:
    """Convoke the province's called candidates who have no live convocation (see convoke_provinces)."""
    return convoke_provinces(campaign=campaign, provinces=[province], actor=actor)[province.pk]


def convoke_provinces(
    *, campaign: Campaign, provinces: list[Province], actor: Any
) -> dict[int, ProvinceConvocations]:
    """Convoke the called candidates of each province who have no live convocation, by the rule of
    bawaba.interviews.convocation: one transaction per province, with its mailing.

    Who is called, and what her messages need (her address, language and names), is read once for all the
    provinces, in one pass over the run's decisions (they have no index by commune: a pass per province cost
    minutes nationally, and reading each province's candidates again by their ids, 18 s). A candidate who declines
    while the convocations are being written may still be convoked: she withdraws from her dashboard.
    """
    rules = call_rules(campaign)
    wanted = {province.pk for province in provinces}
    called: dict[int, list] = {}
    persons: dict[int, Person] = {}
    for row in call_rows_with(campaign, PERSON_FIELDS):
        line = line_of(row, rules)
        if line.is_called and line.province_id in wanted:
            called.setdefault(line.province_id, []).append(line)
            persons[line.application_id] = person_of(line.application_id, row[len(FACT_FIELDS) :])
    return {
        province.pk: _convoke(campaign, province, called.get(province.pk, []), persons, actor)
        for province in provinces
    }


def _convoke(
    campaign: Campaign, province: Province, called: list, persons: dict[int, Person], actor: Any
) -> ProvinceConvocations:
    now = timezone.now()
    with transaction.atomic():
        slots = list(
            _open_slots(campaign, province, after=now + CHANGE_NOTICE).select_for_update(of=("self",))
        )
        live = set(
            Convocation.objects.filter(
                campaign=campaign,
                application_id__in=[line.application_id for line in called],
                status__in=HOLDING_A_SEAT,
            ).values_list("application_id", flat=True)
        )
        waiting = [line for line in called if line.application_id not in live]
        if not waiting:
            return ProvinceConvocations(convoked=0, unplaced=0, already=len(live))
        sessions: dict[int, tuple[InterviewSession, list[InterviewSlot]]] = {}
        for slot in slots:
            sessions.setdefault(slot.session_id, (slot.session, []))[1].append(slot)
        places = [
            rule.Place(
                key=session.pk,
                latitude=session.latitude,
                longitude=session.longitude,
                slots=[
                    rule.Slot(key=s.pk, starts_at=s.starts_at, room=s.capacity - s.convoked)
                    for s in its_slots
                ],
            )
            for session, its_slots in sessions.values()
        ]
        points = {
            pk: (lat, lon) if lat is not None and lon is not None else None
            for pk, lat, lon in Commune.objects.filter(province=province).values_list(
                "pk", "latitude", "longitude"
            )
        }
        result = rule.assign(
            [rule.Candidate(key=line.application_id, commune=line.commune_id) for line in waiting],
            places,
            points,
        )
        assigned = result.assigned
        if assigned:
            _write_convocations(campaign, province, assigned, {s.pk: s for s in slots}, persons, now, actor)
        record_event(
            actor=actor,
            action="interviews.province_convoked",
            target=campaign,
            data={"province": province.code, "convoked": len(assigned), "unplaced": len(result.unplaced)},
        )
    return ProvinceConvocations(convoked=len(assigned), unplaced=len(result.unplaced), already=len(live))


def _write_convocations(
    campaign: Campaign,
    province: Province,
    assigned: dict,
    slots: dict[int, InterviewSlot],
    persons: dict[int, Person],
    now: dt.datetime,
    actor: Any,
) -> None:
    """The mailing, then the convocations and the slots' counters, set-based (COPY on PostgreSQL): a national
    convocation is 200,000 rows, which model instances one by one would spend most of their time building."""
    application_ids = list(assigned)
    earlier = dict(
        Convocation.objects.filter(campaign=campaign, application_id__in=application_ids)
        .values_list("application_id")
        .annotate(count=Count("pk"))
        .values_list("application_id", "count")
    )
    texts = Texts(campaign)
    keys, emails, languages, user_ids, contexts = [], [], [], [], []
    for application_id, slot_id in assigned.items():
        person, slot, number = persons[application_id], slots[slot_id], earlier.get(application_id, 0)
        keys.append(f"application-{application_id}-{number}")
        emails.append(person.email)
        languages.append(person.language)
        user_ids.append(person.user_id)
        contexts.append(
            convocation_context(
                person=person,
                slot=slot,
                session=slot.session,
                uid=convocation_uid(campaign.pk, application_id, number),
                sequence=0,
                stamp=now,
                texts=texts,
            )
        )
    mailing = create_mailing(
        kind=CONVOCATION_KIND,
        label=f"{campaign.slug}: interview convocations, {province.code}"[:200],
        recipients=Recipients(
            keys=keys, emails=emails, languages=languages, user_ids=user_ids, contexts=contexts
        ),
        created_by=actor,
    )
    moment = np.full(len(assigned), np.datetime64(now.astimezone(dt.UTC).replace(tzinfo=None), "s"))
    BulkWriter(connection).insert(
        Convocation,
        {
            "campaign": campaign.pk,
            "application": application_ids,
            "slot": [assigned[pk] for pk in application_ids],
            "status": Convocation.Status.CONVOKED,
            "sequence": 0,
            "mailing": mailing.pk,
            "created_at": moment,
            "updated_at": moment,
        },
        rows=len(assigned),
    )
    # The slots are locked (FOR UPDATE) by this transaction: each counter is set to its live convocations.
    seats = (
        Convocation.objects.filter(slot=OuterRef("pk"), status__in=HOLDING_A_SEAT)
        .order_by()
        .values("slot")
        .annotate(count=Count("pk"))
        .values("count")
    )
    InterviewSlot.objects.filter(pk__in=set(assigned.values())).update(convoked=Coalesce(Subquery(seats), 0))


# --- Her answers ------------------------------------------------------------------------------------------------


def _her_live_convocation(application: Application) -> Convocation:
    convocation = (
        Convocation.objects.select_for_update()
        .filter(application=application, status__in=LIVE)
        .select_related("slot__session")
        .first()
    )
    if convocation is None:
        raise ValidationError(_("You have no convocation to answer."), code="none")
    return convocation


def _check_window(convocation: Convocation, now: dt.datetime) -> None:
    if convocation.slot.starts_at - now < CHANGE_NOTICE:
        raise ValidationError(
            _("Your interview is less than a day away: it can no longer be changed here."), code="too_late"
        )


def confirm(*, application: Application, actor: Any) -> Convocation:
    with transaction.atomic():
        convocation = _her_live_convocation(application)
        if convocation.status != Convocation.Status.CONFIRMED:
            convocation.status = Convocation.Status.CONFIRMED
            convocation.save(update_fields=["status", "updated_at"])
            record_event(actor=actor, action="interviews.convocation_confirmed", target=convocation)
    return convocation


MOVE_CHOICES = 200  # the slots offered to move to, earliest first


def open_slots_in(places: set[tuple[int, int]], *, after: dt.datetime) -> list[InterviewSlot]:
    """Slots with room, starting after `after`, in these (campaign id, province id) pairs, earliest first."""
    condition = Q(pk__in=[])
    for campaign_id, province_id in places:
        condition |= Q(session__campaign_id=campaign_id, session__province_id=province_id)
    return list(
        InterviewSlot.objects.filter(condition, starts_at__gte=after, convoked__lt=F("capacity"))
        .select_related("session")
        .order_by("starts_at", "pk")[: MOVE_CHOICES * len(places) + len(places)]
    )


def change_slot(*, application: Application, slot_id: int, actor: Any) -> Convocation:
    """Move her to another slot with room of her province; her other data stays as it was. A new e-mail with the
    calendar file (a higher SEQUENCE, the same UID) replaces the first in her calendar."""
    now = timezone.now()
    with transaction.atomic():
        convocation = _her_live_convocation(application)
        _check_window(convocation, now)
        old_slot = convocation.slot
        target = (
            InterviewSlot.objects.filter(
                pk=slot_id,
                session__campaign_id=convocation.campaign_id,
                session__province_id=old_slot.session.province_id,
                starts_at__gte=now + CHANGE_NOTICE,
            )
            .exclude(pk=old_slot.pk)
            .select_related("session")
            .first()
        )
        if target is None:
            raise ValidationError(_("This slot cannot be chosen."), code="slot")
        if not InterviewSlot.objects.filter(pk=target.pk, convoked__lt=F("capacity")).update(
            convoked=F("convoked") + 1
        ):
            raise ValidationError(_("This slot has just been filled: choose another."), code="full")
        InterviewSlot.objects.filter(pk=old_slot.pk).update(convoked=F("convoked") - 1)
        convocation.slot = target
        convocation.status = Convocation.Status.CONVOKED
        convocation.sequence += 1
        convocation.save(update_fields=["slot", "status", "sequence", "updated_at"])
        record_event(
            actor=actor,
            action="interviews.convocation_moved",
            target=convocation,
            data={"from_slot": old_slot.pk, "to_slot": target.pk},
        )
        user = application.user
        queue_email(
            kind=CONVOCATION_KIND,
            to_email=user.email,
            language=user.preferred_language,
            context=convocation_context(
                person=read_people(application.campaign, [application.pk])[application.pk],
                slot=target,
                session=target.session,
                uid=convocation_uid(convocation.campaign_id, application.pk, _number_of(convocation)),
                sequence=convocation.sequence,
                stamp=convocation.updated_at,
                texts=Texts(convocation.campaign),
            ),
            idempotency_key=f"interview-convocation:{convocation.pk}:{convocation.sequence}",
            user=user,
        )
    return convocation


def _number_of(convocation: Convocation) -> int:
    """How many convocations of hers came before this one (its UID's number)."""
    return Convocation.objects.filter(
        campaign_id=convocation.campaign_id, application_id=convocation.application_id, pk__lt=convocation.pk
    ).count()


def withdraw(*, application: Application, actor: Any) -> Convocation:
    """She gives up her interview: her place in the slot is freed for another candidate."""
    now = timezone.now()
    with transaction.atomic():
        convocation = _her_live_convocation(application)
        _check_window(convocation, now)
        convocation.status = Convocation.Status.WITHDRAWN
        convocation.save(update_fields=["status", "updated_at"])
        InterviewSlot.objects.filter(pk=convocation.slot_id).update(convoked=F("convoked") - 1)
        record_event(actor=actor, action="interviews.convocation_withdrawn", target=convocation)
    return convocation


def slot_counts_hold() -> bool:
    """Whether every slot's counter equals its live convocations (a check for tests and the system check)."""
    counted = dict(
        Convocation.objects.filter(status__in=HOLDING_A_SEAT)
        .values_list("slot_id")
        .annotate(n=Count("pk"))
        .values_list("slot_id", "n")
    )
    return all(
        counted.get(pk, 0) == convoked for pk, convoked in InterviewSlot.objects.values_list("pk", "convoked")
    )
