"""Her training place as it stands, read for her reply: held or not, her answer, her reply deadline.

A place is the decision ADMITTED in her campaign's published preselection run (the selection's). Reading it for
one or many applications is one query, whatever their number (the dashboard's query count stays fixed).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from bawaba.campaigns.models import Application
from bawaba.selection.models import PlaceRelease, Promotion, SelectionDecision, SelectionRun
from bawaba.training.models import TrainingReply, TrainingSettings

Outcome = SelectionDecision.Outcome
Answer = TrainingReply.Answer

# A candidate promoted from a waiting list by a round learns of her place only when the round's invitation reaches
# her, possibly long after the others were told: she gets a week from her round to answer, the time a working
# candidate needs to read her e-mail and arrange the training, as Parcoursup gives its candidates after each of its
# rounds. Never less than everyone's deadline: a promotion must not shorten the time she had before it.
PROMOTED_REPLY_TIME = dt.timedelta(days=7)


def reply_deadline(
    *, campaign_deadline: dt.datetime | None, promoted_at: dt.datetime | None
) -> dt.datetime | None:
    """Her reply deadline: the campaign's, or a week after the round that promoted her if that is later.

    None while the administrator has set no deadline: replies stay open, and no answer counts as declining yet.
    """
    if campaign_deadline is None:
        return None
    if promoted_at is None:
        return campaign_deadline
    return max(campaign_deadline, promoted_at + PROMOTED_REPLY_TIME)


@dataclass(frozen=True)
class PlaceState:
    """Where she stands with her training place in the published preselection."""

    application_id: int
    run_id: int
    outcome: str  # her decision's outcome (SelectionDecision.Outcome)
    answer: str  # TrainingReply.Answer, "" before she answers
    answered_at: dt.datetime | None
    deadline: dt.datetime | None
    release_reason: str  # PlaceRelease.Reason once her place is released, else ""

    @property
    def holds_place(self) -> bool:
        return self.outcome == Outcome.ADMITTED

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """Whether her reply deadline is still ahead (or not set)."""
        return self.deadline is None or (now or timezone.now()) < self.deadline

    def may_accept(self, now: dt.datetime | None = None) -> bool:
        return self.holds_place and self.answer == "" and self.is_open(now)

    def may_decline(self, now: dt.datetime | None = None) -> bool:
        # A change of mind after accepting is allowed until the deadline; declining is final.
        return self.holds_place and self.answer in ("", Answer.ACCEPTED) and self.is_open(now)


def _published_preselection_decisions():
    return SelectionDecision.objects.filter(
        run__stage=SelectionRun.Stage.PRESELECTION, run__status=SelectionRun.Status.PUBLISHED
    )


def place_states(applications: Iterable[Application]) -> dict[int, PlaceState]:
    """PlaceState of each application that has a decision in its campaign's published preselection, by id.

    One query: her decision with her answer, her campaign's deadline, her latest promotion's round and her
    release joined as subqueries. Only submitted applications are asked about: a draft never held a place, a
    withdrawn one gave it up.
    """
    by_id = {a.pk: a for a in applications if a.status == Application.Status.SUBMITTED}
    if not by_id:
        return {}
    reply = TrainingReply.objects.filter(application_id=OuterRef("application_id"))
    rows = (
        _published_preselection_decisions()
        .filter(
            application_id__in=by_id,
            run__campaign_id__in={a.campaign_id for a in by_id.values()},
            outcome__in=[Outcome.ADMITTED, Outcome.RELEASED],
        )
        .annotate(
            answer=Subquery(reply.values("answer")[:1]),
            answered_at=Subquery(reply.values("answered_at")[:1]),
            campaign_deadline=Subquery(
                TrainingSettings.objects.filter(campaign_id=OuterRef("run__campaign_id")).values(
                    "reply_deadline"
                )[:1]
            ),
            promoted_at=Subquery(
                Promotion.objects.filter(
                    application_id=OuterRef("application_id"), promotion_round__run_id=OuterRef("run_id")
                )
                .order_by("-promotion_round__number")
                .values("promotion_round__created_at")[:1]
            ),
            release_reason=Subquery(
                PlaceRelease.objects.filter(
                    application_id=OuterRef("application_id"), run_id=OuterRef("run_id")
                ).values("reason")[:1]
            ),
        )
        .values_list(
            "application_id",
            "run_id",
            "outcome",
            "answer",
            "answered_at",
            "campaign_deadline",
            "promoted_at",
            "release_reason",
            "run__campaign_id",
        )
    )
    states = {}
    for (
        application_id,
        run_id,
        outcome,
        answer,
        answered_at,
        deadline,
        promoted_at,
        reason,
        campaign_id,
    ) in rows:
        if by_id[application_id].campaign_id != campaign_id:
            continue
        states[application_id] = PlaceState(
            application_id=application_id,
            run_id=run_id,
            outcome=outcome,
            answer=answer or "",
            answered_at=answered_at,
            deadline=reply_deadline(campaign_deadline=deadline, promoted_at=promoted_at),
            release_reason=reason or "",
        )
    return states


def place_state(application: Application) -> PlaceState | None:
    """place_states of one application."""
    return place_states([application]).get(application.pk)
