"""Reads of the training's overview: the key figures of the replies, over the staff member's scope."""

from dataclasses import dataclass

from django.db.models import Count

from bawaba.accounts.scopes import Scope
from bawaba.campaigns.access import applications_in_scope
from bawaba.campaigns.models import Application, Campaign
from bawaba.selection.models import SelectionDecision, SelectionRun
from bawaba.training.models import TrainingReply

Outcome = SelectionDecision.Outcome
Answer = TrainingReply.Answer


@dataclass(frozen=True)
class ReplyFigures:
    """Where the candidates of the published preselection stand with their training places."""

    holding: int  # admitted now: holding a place (the promoted included, the released not)
    accepted: int  # holding a place, and accepted it
    no_answer: int  # holding a place, no answer yet
    declined: int  # declined their place
    released_no_reply: int  # no answer by the deadline, where that counts as declining


def published_preselection(campaign: Campaign) -> SelectionRun | None:
    return (
        SelectionRun.objects.filter(
            campaign=campaign, stage=SelectionRun.Stage.PRESELECTION, status=SelectionRun.Status.PUBLISHED
        )
        .defer("frozen_inputs", "summary", "timings", "problems")
        .first()
    )


def reply_figures(run: SelectionRun, scope: Scope) -> ReplyFigures:
    """The figures of the run's candidates in the scope (applications_in_scope: those who live in, or chose, a
    commune of it): one query, grouped by outcome and answer."""
    decisions = SelectionDecision.objects.filter(run=run, outcome__in=[Outcome.ADMITTED, Outcome.RELEASED])
    if not scope.national:
        in_scope = applications_in_scope(Application.objects.filter(campaign_id=run.campaign_id), scope)
        decisions = decisions.filter(application_id__in=in_scope.order_by().values("pk"))
    counts: dict[tuple[str, str | None], int] = {
        (outcome, answer): count
        for outcome, answer, count in decisions.order_by()
        .values_list("outcome", "application__training_reply__answer")
        .annotate(count=Count("pk"))
    }

    def total(outcome: str | None = None, answer: str | None | bool = False) -> int:
        return sum(
            count
            for (o, a), count in counts.items()
            if (outcome is None or o == outcome) and (answer is False or a == answer)
        )

    return ReplyFigures(
        holding=total(Outcome.ADMITTED),
        accepted=total(Outcome.ADMITTED, Answer.ACCEPTED),
        no_answer=total(Outcome.ADMITTED, None),
        declined=total(answer=Answer.DECLINED),
        released_no_reply=total(answer=Answer.NO_REPLY),
    )
