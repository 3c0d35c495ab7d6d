"""The in-person training's answer to the selection's events (bawaba.selection.signals), connected in
FieldworkConfig.ready(): when the final run (stage `field`) is published, the agents it selects are assigned to the
training groups already set up, in the publication's own transaction; so are the agents a promotion round of that
run admits from the reserve. Runs of any other stage are not its concern.
"""

from typing import Any

from bawaba.fieldwork.models import TrainingGroup
from bawaba.fieldwork.services.assignment import assign_to_groups
from bawaba.selection import signals
from bawaba.selection.models import SelectionRun


def _assign_after(run: SelectionRun, actor: Any) -> None:
    if run.stage != SelectionRun.Stage.FIELD:
        return
    if TrainingGroup.objects.filter(campaign_id=run.campaign_id).exists():
        assign_to_groups(campaign=run.campaign, actor=actor)


def _run_published(sender: Any, *, run: SelectionRun, actor: Any = None, **kwargs: Any) -> None:
    _assign_after(run, actor)


def _promotion_round_recorded(sender: Any, *, promotion_round: Any, actor: Any = None, **kwargs: Any) -> None:
    _assign_after(promotion_round.run, actor)


def connect() -> None:
    signals.run_published.connect(_run_published, dispatch_uid="fieldwork.run_published")
    signals.promotion_round_recorded.connect(
        _promotion_round_recorded, dispatch_uid="fieldwork.promotion_round_recorded"
    )
