"""On her dashboard, once the final selection is published: whether she is a field agent, in the reserve (her
place on each commune's list now), or not selected and why; her interview score and training grade, which made her
priority; and the public report of the final run."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpRequest

from bawaba.campaigns.models import Application
from bawaba.interviews.final_scores import split_stage_score
from bawaba.selection import waiting_lists
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.territory.models import Commune

Outcome = SelectionDecision.Outcome


@dataclass(frozen=True)
class ReservePlace:
    commune: Commune
    place: int


@dataclass(frozen=True)
class FinalDecision:
    decision: SelectionDecision
    commune: Commune | None  # where she is selected
    reserve: tuple[ReservePlace, ...]  # her places now, best first
    interview_score: Decimal | None  # out of 100
    training_grade: Decimal | None

    @property
    def is_selected(self) -> bool:
        return self.decision.outcome == Outcome.ADMITTED

    @property
    def is_reserve(self) -> bool:
        return self.decision.outcome == Outcome.WAITLISTED

    @property
    def reason(self) -> str:
        if self.decision.outcome != Outcome.INELIGIBLE:
            return ""
        return str(SelectionDecision.Ineligibility(self.decision.ineligibility).label)


def final_decisions(applications: Sequence[Application]) -> dict[int, FinalDecision]:
    """Her decision in her campaign's published final selection, by application id: three queries at most (the
    decisions with their runs, the communes they name, and the rounds' departures when a round followed)."""
    campaign_of = {a.pk: a.campaign_id for a in applications}
    decisions = [
        decision
        for decision in SelectionDecision.objects.filter(
            run__stage=SelectionRun.Stage.FIELD,
            run__status=SelectionRun.Status.PUBLISHED,
            application_id__in=list(campaign_of),
        )
        .select_related("run")
        .defer("run__frozen_inputs", "run__summary", "run__timings", "run__problems")
        if decision.run.campaign_id == campaign_of[decision.application_id]
    ]
    if not decisions:
        return {}
    places = waiting_lists.waiting_list_places(decisions)
    named = {d.commune_id for d in decisions if d.commune_id}
    for decision in decisions:
        if decision.outcome == Outcome.WAITLISTED:
            named.update(decision.communes)
    communes = Commune.objects.in_bulk(named) if named else {}
    found = {}
    for decision in decisions:
        reserve = sorted(
            (
                ReservePlace(communes[commune], place)
                for commune, place in zip(decision.communes, places[decision.pk], strict=False)
                if place and commune in communes and decision.outcome == Outcome.WAITLISTED
            ),
            key=lambda entry: entry.place,
        )
        scored = decision.outcome != Outcome.INELIGIBLE
        interview, grade = split_stage_score(decision.score) if scored else (None, None)
        found[decision.application_id] = FinalDecision(
            decision=decision,
            commune=communes.get(decision.commune_id) if decision.commune_id else None,
            reserve=tuple(reserve),
            interview_score=None if interview is None else Decimal(interview) / 100,
            training_grade=None if not grade else Decimal(grade) / 100,
        )
    return found


def final_sections(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """{application pk: {"application", "final"}} for her submitted applications with a published final decision."""
    submitted = [a for a in applications if a.status == Application.Status.SUBMITTED]
    if not submitted:
        return {}
    by_pk = {a.pk: a for a in submitted}
    return {
        pk: {"application": by_pk[pk], "final": final} for pk, final in final_decisions(submitted).items()
    }
