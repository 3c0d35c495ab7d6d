"""The selected field agents assigned to the training groups of their province, and convoked (issue 14, item 6).

Who: the decisions of the campaign's published final run (stage `field`) with the outcome "admitted", whose
application is not withdrawn and who are in no group yet. Where: a group of the province of the commune where she
is selected, by the rule of bawaba.interviews.convocation (nearest place first, then the earliest group with room
there; the groups at one place are that place's "slots"). Each agent assigned is convoked by e-mail through the mass
path, with the calendar file of her training days.

Idempotent: a second call convokes only the agents still without a group; nobody is e-mailed twice, because an
agent in a group is never taken again (one membership per campaign, a unique key). The groups are locked (FOR
UPDATE) while they are filled, and their counters are checked by the database: no group over its capacity.

An agent who left the selection before her training (released by a promotion round, her application withdrawn)
is marked dropped and her place freed at the start of each call, so that the agents promoted from the reserve in
her stead can take it (bawaba.fieldwork.receivers calls this after each promotion round of the final run).
"""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation

from bawaba.campaigns.models import Application, Campaign
from bawaba.campaigns.people import Person, read_people
from bawaba.core import dates
from bawaba.core.audit import record_event
from bawaba.fieldwork.models import GroupMember, TrainingGroup
from bawaba.interviews import convocation as rule
from bawaba.interviews.calendar import MOROCCO
from bawaba.notifications.mailings import Recipients, create_mailing, message_id_domain
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.selection.selectors import published_run
from bawaba.territory.models import Commune

CONVOCATION_KIND = "fieldwork_convocation"


@dataclass(frozen=True)
class Assignment:
    assigned: int  # agents given a group (and convoked) by this call
    unplaced: int  # agents still without a group: no group of their province had room
    already: int  # agents who were in a group before this call


@dataclass(frozen=True)
class Agent:
    application_id: int
    commune_id: int
    province_id: int


def selected_agents(campaign: Campaign, *, province_ids: list[int] | None = None) -> list[Agent]:
    """The agents the published final run selected (admitted, with a commune), by application; [] before it."""
    run = published_run(campaign, SelectionRun.Stage.FIELD)
    if run is None:
        return []
    decisions = (
        SelectionDecision.objects.filter(
            run=run, outcome=SelectionDecision.Outcome.ADMITTED, commune__isnull=False
        )
        .exclude(application__status=Application.Status.WITHDRAWN)
        .order_by("application_id")
    )
    if province_ids is not None:
        decisions = decisions.filter(commune__province_id__in=province_ids)
    return [
        Agent(*row) for row in decisions.values_list("application_id", "commune_id", "commune__province_id")
    ]


def waiting_agents(campaign: Campaign, *, province_ids: list[int] | None = None) -> tuple[list[Agent], int]:
    """The selected agents in no group yet, and how many selected agents are in one already."""
    agents = selected_agents(campaign, province_ids=province_ids)
    members = set(
        GroupMember.objects.filter(
            campaign=campaign, application_id__in=[agent.application_id for agent in agents]
        ).values_list("application_id", flat=True)
    )
    return [agent for agent in agents if agent.application_id not in members], len(members)


def drop_departed(campaign: Campaign, *, province_ids: list[int] | None = None) -> int:
    """Mark dropped the convoked members who are no longer selected (her decision released by a promotion round,
    her application withdrawn), and free their places; how many. The caller holds the groups' locks."""
    run = published_run(campaign, SelectionRun.Stage.FIELD)
    if run is None:
        return 0
    members = GroupMember.objects.filter(campaign=campaign, status=GroupMember.Status.CONVOKED)
    if province_ids is not None:
        members = members.filter(group__province_id__in=province_ids)
    still_selected = SelectionDecision.objects.filter(
        run=run, application_id=OuterRef("application_id"), outcome=SelectionDecision.Outcome.ADMITTED
    )
    departed = list(
        members.filter(
            Q(application__status=Application.Status.WITHDRAWN) | ~Exists(still_selected)
        ).values_list("pk", "group_id")
    )
    if not departed:
        return 0
    GroupMember.objects.filter(pk__in=[pk for pk, _group in departed]).update(
        status=GroupMember.Status.DROPPED
    )
    for group_id, count in Counter(group for _pk, group in departed).items():
        TrainingGroup.objects.filter(pk=group_id).update(members=F("members") - count)
    return len(departed)


def open_groups(campaign: Campaign, province_ids: list[int] | None, today: dt.date):
    """The groups with room, not started yet, of these provinces (or all)."""
    groups = TrainingGroup.objects.filter(campaign=campaign, starts_on__gt=today, members__lt=F("capacity"))
    return groups if province_ids is None else groups.filter(province_id__in=province_ids)


def places_of(groups: list[TrainingGroup]) -> list[rule.Place]:
    """The groups as the rule's places: the groups at one place (same name and map point) are its slots, earliest
    first."""
    by_place: dict[tuple, list[TrainingGroup]] = defaultdict(list)
    for group in groups:
        by_place[(group.place_name.casefold(), group.latitude, group.longitude)].append(group)
    return [
        rule.Place(
            key=f"{its[0].pk:012d}",
            latitude=its[0].latitude,
            longitude=its[0].longitude,
            slots=[
                rule.Slot(
                    key=group.pk,
                    starts_at=dt.datetime.combine(group.starts_on, group.daily_starts_at),
                    room=group.capacity - group.members,
                )
                for group in its
            ],
        )
        for its in by_place.values()
    ]


def assign_to_groups(
    *, campaign: Campaign, actor: Any, province_ids: list[int] | None = None, today: dt.date | None = None
) -> Assignment:
    """Assign the selected agents still without a group (of these provinces, or all) and convoke them, in one
    transaction (the caller's, when it has one: the publication of the final run)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        # The groups are locked before anyone is read: a second call at the same time (another supervisor, the
        # same one clicking twice) waits here, then finds the agents this one assigned already in a group.
        in_scope = TrainingGroup.objects.filter(campaign=campaign)
        if province_ids is not None:
            in_scope = in_scope.filter(province_id__in=province_ids)
        list(in_scope.select_for_update().order_by("pk").values_list("pk", flat=True))
        # Agents who left the selection (released, withdrawn) before their training give their place back first,
        # so that the agents promoted from the reserve in their stead can take it.
        dropped = drop_departed(campaign, province_ids=province_ids)
        groups = list(open_groups(campaign, province_ids, today).order_by("pk"))
        waiting, already = waiting_agents(campaign, province_ids=province_ids)
        persons = read_people(campaign, [agent.application_id for agent in waiting]) if waiting else {}
        waiting = [agent for agent in waiting if agent.application_id in persons]
        if not waiting:
            if dropped:
                record_event(
                    actor=actor,
                    action="fieldwork.agents_assigned",
                    target=campaign,
                    data={"dropped": dropped},
                )
            return Assignment(assigned=0, unplaced=0, already=already)
        provinces = {agent.province_id for agent in waiting}
        communes = {agent.commune_id for agent in waiting}
        points = {
            pk: (lat, lon) if lat is not None and lon is not None else None
            for pk, lat, lon in Commune.objects.filter(pk__in=communes).values_list(
                "pk", "latitude", "longitude"
            )
        }
        assigned: dict = {}  # application id -> group id
        unplaced = 0
        for province_id in sorted(provinces):
            result = rule.assign(
                [
                    rule.Candidate(key=agent.application_id, commune=agent.commune_id)
                    for agent in waiting
                    if agent.province_id == province_id
                ],
                places_of([group for group in groups if group.province_id == province_id]),
                points,
            )
            assigned.update(result.assigned)
            unplaced += len(result.unplaced)
        if assigned:
            _write_members(campaign, waiting, assigned, {g.pk: g for g in groups}, persons, actor)
        record_event(
            actor=actor,
            action="fieldwork.agents_assigned",
            target=campaign,
            data={"assigned": len(assigned), "unplaced": unplaced, "already": already, "dropped": dropped},
        )
    return Assignment(assigned=len(assigned), unplaced=unplaced, already=already)


def _write_members(
    campaign: Campaign,
    waiting: list[Agent],
    assigned: dict[int, int],
    groups: dict[int, TrainingGroup],
    persons: dict[int, Person],
    actor: Any,
) -> None:
    now = timezone.now()
    texts = _Texts(campaign)
    communes = {agent.application_id: agent.commune_id for agent in waiting}
    keys, emails, languages, user_ids, contexts = [], [], [], [], []
    for application_id, group_id in assigned.items():
        person = persons[application_id]
        keys.append(f"member-{application_id}")
        emails.append(person.email)
        languages.append(person.language)
        user_ids.append(person.user_id)
        contexts.append(convocation_context(person=person, group=groups[group_id], stamp=now, texts=texts))
    mailing = create_mailing(
        kind=CONVOCATION_KIND,
        label=f"{campaign.slug}: in-person training convocations"[:200],
        recipients=Recipients(
            keys=keys, emails=emails, languages=languages, user_ids=user_ids, contexts=contexts
        ),
        created_by=actor,
    )
    GroupMember.objects.bulk_create(
        [
            GroupMember(
                campaign=campaign,
                group_id=group_id,
                application_id=application_id,
                commune_id=communes[application_id],
                mailing=mailing,
            )
            for application_id, group_id in assigned.items()
        ],
        batch_size=2000,
    )
    for group_id, count in Counter(assigned.values()).items():
        TrainingGroup.objects.filter(pk=group_id).update(members=F("members") + count)


class _Texts:
    """What the messages in one language share, made once per language however many messages there are."""

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self._made: dict[tuple, str] = {}

    def once(self, key: tuple, make) -> str:
        if key not in self._made:
            with translation.override(key[0]):
                self._made[key] = make()
        return self._made[key]

    def dashboard(self, language: str) -> str:
        site = (settings.BAWABA_SITE_URL or "").rstrip("/")
        return self.once((language, "dashboard"), lambda: site + reverse("portal:dashboard"))

    def title(self, language: str) -> str:
        return self.once((language, "title"), lambda: self.campaign.title)

    def days(self, language: str, group: TrainingGroup) -> str:
        return self.once(
            (language, "days", group.pk), lambda: dates.day_range(group.starts_on, group.ends_on, language)
        )


def convocation_uid(campaign_id: int, application_id: int) -> str:
    return f"training-{campaign_id}-{application_id}@{message_id_domain()}"


def convocation_context(*, person: Person, group: TrainingGroup, stamp: dt.datetime, texts: _Texts) -> dict:
    """What one convocation's e-mail and calendar file say (JSON-ready: the outbox stores it)."""
    language = person.language
    first_start = dt.datetime.combine(group.starts_on, group.daily_starts_at, tzinfo=MOROCCO)
    first_end = dt.datetime.combine(group.starts_on, group.daily_ends_at, tzinfo=MOROCCO)
    return {
        "campaign_title": texts.title(language),
        "name": person.full_name(),
        "place": group.place_name,
        "address": group.address,
        "days": texts.days(language, group),
        "hours": f"{dates.clock(group.daily_starts_at)}–{dates.clock(group.daily_ends_at)}",
        "trainer": group.trainer_name,
        "starts_at": first_start.isoformat(),
        "ends_at": first_end.isoformat(),
        "day_count": (group.ends_on - group.starts_on).days + 1,
        "latitude": group.latitude,
        "longitude": group.longitude,
        "uid": convocation_uid(group.campaign_id, person.application_id),
        "stamp": stamp.isoformat(),
        "dashboard_url": texts.dashboard(language),
    }
