"""The demo's interviews and final selection, once the preselection is published and the training imported
(`make demo-data` runs it last): the interviews are over in every province but one session of Kénitra, held today,
and the final selection of the field staff is published.

- The calling rules call every candidate holding a place (the demo's dossiers are mostly not examined yet).
- Every province gets sessions enough for its called candidates, who are convoked by the real rule (nearest place,
  earliest slot); then the sessions are moved two weeks back, as if they had been held.
- At each session, one candidate in twenty was absent; the others have levels on the grid drawn at random, and their
  scores computed from them. The demo candidate came and did well.
- In Kénitra, the demo supervisor's province, the last session is today's: its candidates await the demo
  interviewer's scores.
- Each province gets in-person training groups (three weeks from now, five days) with places for its field needs;
  the final run is computed and published with a public seed, which assigns its agents to the groups and convokes
  them: the demo candidate reads her decision and her group.

Idempotent: nothing is done when the campaign already has interview sessions.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from bawaba.accounts.models import User
from bawaba.campaigns.models import Campaign, CommuneNeed
from bawaba.fieldwork.models import GroupMember
from bawaba.fieldwork.services.groups import GroupPlan, create_group
from bawaba.interviews.calling import CallRules
from bawaba.interviews.defaults import DEFAULT_GRID
from bawaba.interviews.grid import read_grid, score
from bawaba.interviews.models import Convocation, InterviewScore, InterviewSession, InterviewSlot
from bawaba.interviews.selectors import call_lines
from bawaba.interviews.services.convocations import convoke_provinces
from bawaba.interviews.services.rules import save_call_rules
from bawaba.interviews.services.scoring import save_grid
from bawaba.interviews.services.sessions import SessionPlan, create_session
from bawaba.selection import services as selection
from bawaba.selection.models import SelectionRun
from bawaba.territory.models import Commune, Province

EVERYONE_HOLDING_A_PLACE = CallRules(min_completion_percent=0, min_grade=None, documents_accepted=False)
PER_SLOT = 8
SLOTS_PER_SESSION = 16  # 08:30 to 16:30, half an hour each
HELD_DAYS_AGO = 14
ABSENT_SHARE = 0.05
FINAL_SEED = "Tirage public de la sélection finale (démo)"
GROUP_CAPACITY = 30
TRAINERS = ("Nadia Berrada", "Omar El Fassi", "Imane Chraibi", "Rachid Benjelloun")


@dataclass(frozen=True)
class DemoInterviews:
    created: bool
    message: str


def create_demo_interviews(
    *, campaign: Campaign, kenitra_code: str, candidate_email: str, interviewer: User | None, seed: int
) -> DemoInterviews:
    if InterviewSession.objects.filter(campaign=campaign).exists():
        return DemoInterviews(False, "The demo's interviews are already there: nothing to do.")
    if not SelectionRun.objects.filter(
        campaign=campaign, stage=SelectionRun.Stage.PRESELECTION, status=SelectionRun.Status.PUBLISHED
    ).exists():
        return DemoInterviews(False, "No published preselection: run run_selection --publish first.")
    today = timezone.localdate()
    save_call_rules(campaign=campaign, rules=EVERYONE_HOLDING_A_PLACE, note="demo", actor=None)
    kenitra = Province.objects.get(code=kenitra_code)
    counts: dict[int, int] = {}
    for line in call_lines(campaign, EVERYONE_HOLDING_A_PLACE, province_ids=None):
        if line.is_called:
            counts[line.province_id] = counts.get(line.province_id, 0) + 1
    provinces = list(Province.objects.filter(pk__in=counts).order_by("code"))
    sessions = _create_sessions(campaign, provinces, counts, kenitra, interviewer, today)
    convoke_provinces(campaign=campaign, provinces=provinces, actor=None)
    # Today's session in Kénitra: its first; every other was held two weeks ago.
    todays = min((s for s in sessions if s.province_id == kenitra.pk), key=lambda s: (s.day, s.pk))
    held = [s.pk for s in sessions if s.pk != todays.pk]
    with transaction.atomic():
        InterviewSession.objects.filter(pk__in=held).update(day=F("day") - dt.timedelta(days=HELD_DAYS_AGO))
        InterviewSlot.objects.filter(session_id__in=held).update(
            starts_at=F("starts_at") - dt.timedelta(days=HELD_DAYS_AGO),
            ends_at=F("ends_at") - dt.timedelta(days=HELD_DAYS_AGO),
        )
        InterviewSession.objects.filter(pk=todays.pk).update(day=today)
        shift = dt.datetime.combine(today, dt.time()) - dt.datetime.combine(todays.day, dt.time())
        InterviewSlot.objects.filter(session=todays).update(
            starts_at=F("starts_at") + shift, ends_at=F("ends_at") + shift
        )
        scored, absent = _interview(campaign, held, candidate_email, seed)
    groups = _create_training_groups(campaign, provinces, today)
    run = selection.create_run(campaign=campaign, seed=FINAL_SEED, stage=SelectionRun.Stage.FIELD)
    run = selection.compute_run(run_id=run.pk)
    if run.status != SelectionRun.Status.COMPUTED:
        return DemoInterviews(
            True, f"Interviews written; the final run {run.pk} is {run.status}: {run.problems}"
        )
    selection.publish_run(run=run, computation=getattr(run, "computation", None))
    waiting = Convocation.objects.filter(slot__session=todays).count()
    return DemoInterviews(
        True,
        f"{len(sessions)} interview sessions, {scored:,} candidates scored, {absent:,} absent, {waiting} awaiting "
        f"today's session in Kénitra; final run {run.pk} published "
        f"({run.summary['totals']['admitted']:,} field agents, {run.summary['totals']['waitlisted']:,} in reserve), "
        f"{GroupMember.objects.filter(group__campaign=campaign).count():,} of them convoked to {groups} training "
        "groups.",
    )


def _create_training_groups(campaign, provinces, today) -> int:
    """In-person training groups in each province, with room for all its field agents."""
    needs: dict[int, int] = {}
    for province_id, quantity in CommuneNeed.objects.filter(
        campaign=campaign, stage=CommuneNeed.Stage.FIELD
    ).values_list("commune__province_id", "quantity"):
        needs[province_id] = needs.get(province_id, 0) + quantity
    made = 0
    for index, province in enumerate(provinces):
        # Places are rounded up commune by commune: half as much again as the needs leaves room for every agent.
        places = needs.get(province.pk, 0) * 3 // 2 + 5
        for number in range(-(-places // GROUP_CAPACITY)):
            create_group(
                campaign=campaign,
                province=province,
                plan=GroupPlan(
                    place_name=f"Centre de formation — groupe {number + 1}",
                    address=province.name_fr,
                    latitude=None,
                    longitude=None,
                    starts_on=today + dt.timedelta(days=21),
                    ends_on=today + dt.timedelta(days=25),
                    daily_starts_at=dt.time(8, 30),
                    daily_ends_at=dt.time(16, 30),
                    trainer_name=TRAINERS[(index + number) % len(TRAINERS)],
                    capacity=GROUP_CAPACITY,
                ),
                actor=None,
            )
            made += 1
    return made


def _create_sessions(campaign, provinces, counts, kenitra, interviewer, today) -> list[InterviewSession]:
    """Sessions enough for each province's called candidates, at the centre of its communes, on the next days."""
    centres: dict[int, tuple[float | None, float | None]] = {}
    for province_id, latitude, longitude in Commune.objects.filter(latitude__isnull=False).values_list(
        "province_id", "latitude", "longitude"
    ):
        centres.setdefault(province_id, (latitude, longitude))
    sessions = []
    for province in provinces:
        needed = -(-int(counts[province.pk] * 1.1 + 1) // (SLOTS_PER_SESSION * PER_SLOT))
        # Kénitra's first session, one candidate a slot, becomes today's: the earliest slots fill first.
        first = 1 if province.pk == kenitra.pk else 0
        latitude, longitude = centres.get(province.pk, (None, None))
        for index in range(needed + first):
            plan = SessionPlan(
                place_name=f"Direction provinciale — salle {index + 1}",
                address=province.name_fr,
                latitude=latitude,
                longitude=longitude,
                day=today + dt.timedelta(days=2 + index),  # a convocation gives a day's notice at least
                starts_at=dt.time(8, 30),
                ends_at=dt.time(16, 30),
                slot_minutes=30,
                places_per_slot=1 if index < first else PER_SLOT,
            )
            people = [interviewer] if interviewer is not None and province.pk == kenitra.pk else []
            sessions.append(
                create_session(
                    campaign=campaign,
                    province=province,
                    plan=plan,
                    interviewers=people,
                    actor=None,
                    today=today,
                )
            )
    return sessions


def _interview(campaign, held_sessions, candidate_email, seed) -> tuple[int, int]:
    """Presence and scores at the held sessions: one in twenty absent, random levels for the others."""
    grid = save_grid(campaign=campaign, data=DEFAULT_GRID, note="demo", actor=None)
    parsed = read_grid(DEFAULT_GRID)
    # The demo candidate was interviewed, even if her convocation fell in today's session.
    convocations = list(
        Convocation.objects.filter(
            Q(slot__session_id__in=held_sessions) | Q(application__user__email=candidate_email),
            campaign=campaign,
        )
        .order_by("pk")
        .values_list("pk", "application__user__email")
    )
    generator = np.random.default_rng(seed)
    absent_ids, present, entries = [], [], []
    for pk, email in convocations:
        if email != candidate_email and generator.random() < ABSENT_SHARE:
            absent_ids.append(pk)
            continue
        present.append(pk)
        levels = {
            criterion.key: (
                len(criterion.levels) - 1
                if email == candidate_email
                else int(generator.integers(1, len(criterion.levels)))
            )
            for criterion in parsed.criteria
        }
        entries.append(
            InterviewScore(convocation_id=pk, grid=grid, levels=levels, score=score(parsed, levels))
        )
    Convocation.objects.filter(pk__in=absent_ids).update(status=Convocation.Status.ABSENT)
    Convocation.objects.filter(pk__in=present).update(status=Convocation.Status.PRESENT)
    InterviewScore.objects.bulk_create(entries, batch_size=2000)
    return len(entries), len(absent_ids)
