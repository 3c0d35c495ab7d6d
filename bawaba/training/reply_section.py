"""Her reply to the training place on her dashboard: the deadline and the two buttons while she holds a place, her
answer once given (with the way to decline until the deadline, after accepting), or why her place was released;
nothing once the campaign's final selection is published."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from bawaba.selection.models import SelectionRun
from bawaba.training.models import TrainingReply
from bawaba.training.places import place_states

Answer = TrainingReply.Answer


def reply_sections(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    """By application id, for those with a decision in a published preselection: one query whatever their number
    (none when no application is submitted)."""
    now = timezone.now()
    by_pk = {application.pk: application for application in applications}
    shown = {
        pk: state
        for pk, state in place_states(applications).items()
        if state.holds_place or state.answer in (Answer.DECLINED, Answer.NO_REPLY)
    }
    if not shown:
        return {}
    # Once the final selection is published, the training place is history: her final decision says what counts.
    decided = set(
        SelectionRun.objects.filter(
            campaign_id__in={by_pk[pk].campaign_id for pk in shown},
            stage=SelectionRun.Stage.FIELD,
            status=SelectionRun.Status.PUBLISHED,
        ).values_list("campaign_id", flat=True)
    )
    return {
        pk: {
            "application": by_pk[pk],
            "place": state,
            "may_accept": state.may_accept(now),
            "may_decline": state.may_decline(now),
        }
        for pk, state in shown.items()
        if by_pk[pk].campaign_id not in decided
    }
